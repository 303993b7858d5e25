#!/usr/bin/env bash
# Benchmark: the guide's before/after table for the performance indexes, on
# 2,000,000 history rows in a private sandbox, in one run: only the unique
# constraint, all five of the guide's indexes, and the advised minimal set.
# Usage: scripts/bench-indexes.sh [ROWS]   (default 2000000)
bench_build="--bin waybill --example bench_indexes"
. "$(dirname "$0")/bench-common.sh"
"$W" seed --rows "${1:-2000000}" --replace >/dev/null
target/release/examples/bench_indexes "$url"
echo
machine
