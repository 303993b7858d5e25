#!/usr/bin/env bash
# Benchmark: the timeline's queries on 2,000,000 history rows (shipments with
# 100,000 and 10,000 versions). Seeds a private sandbox, then prints a Markdown
# table of PostgreSQL execution times and whole core-call times (medians with
# the 10th–90th percentile), all measured in one run.
# Usage: scripts/bench-timeline.sh [ROWS]   (default 2000000)
bench_build="--bin waybill --example bench_timeline"
. "$(dirname "$0")/bench-common.sh"
"$W" seed --rows "${1:-2000000}" --replace >/dev/null
target/release/examples/bench_timeline "$url"
echo
machine
