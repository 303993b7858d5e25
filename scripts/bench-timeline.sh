#!/usr/bin/env bash
# Benchmark: the timeline's queries on 2,000,000 history rows (shipments with
# 100,000 and 10,000 versions). Seeds a private sandbox, then prints a Markdown
# table of PostgreSQL execution times and whole core-call times (medians with
# the 10th–90th percentile), all measured in one run.
# Usage: scripts/bench-timeline.sh [ROWS]   (default 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo build --release -q --bin waybill --example bench_timeline
W=target/release/waybill
export XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d)}
$W sandbox start >/dev/null 2>&1
trap '$W sandbox stop >/dev/null' EXIT
$W seed --rows "$rows" --replace >/dev/null
url=$($W sandbox url)
target/release/examples/bench_timeline "$url"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); PostgreSQL $(psql "$url" -qAtc 'SHOW server_version')."
