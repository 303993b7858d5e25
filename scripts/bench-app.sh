#!/usr/bin/env bash
# Benchmark: the desktop app's start-up time and memory, debug build against
# release build, side by side (alternating, two rounds each) on a private
# sandbox with 2,000,000 history rows: launch → first shipment rows (sandbox
# already created: a cold process on a warm database), opening the
# 100,000-version shipment → its first rows, and the RSS of the app and all its
# WebKit processes at the list, with the timeline open, and after scrolling
# through 10,000 and 30,000 of its versions. Needs a display (xvfb-run).
# Usage: scripts/bench-app.sh [ROWS]   (default 2000000)
bench_build="--bin waybill"
. "$(dirname "$0")/bench-common.sh"
"$W" seed --rows "${1:-2000000}" --replace >/dev/null 2>&1
longest=$("$W" shipments --search=-000001 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["reference"])')
(cd ui && npm run build >/dev/null)
cargo build -q -p waybill-desktop --features custom-protocol
cargo build -q --release -p waybill-desktop --features custom-protocol
for round in 1 2; do
  for build in debug release; do
    echo
    echo "### round $round, $build"
    WAYBILL_KEEP_SANDBOX=1 WAYBILL_BUILD=$build WAYBILL_APP=$PWD/target/$build/waybill-desktop \
      node scripts/measure-app-memory.mjs "$longest" 50000 10000 30000
  done
done
echo
machine
