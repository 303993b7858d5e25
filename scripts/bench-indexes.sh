#!/usr/bin/env bash
# Benchmark: the guide's before/after table for the performance indexes, on
# 2,000,000 history rows in a private sandbox, in one run: only the unique
# constraint, all five of the guide's indexes, and the advised minimal set.
# Usage: scripts/bench-indexes.sh [ROWS]   (default 2000000)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-2000000}
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo build --release -q --bin waybill --example bench_indexes
W=target/release/waybill
export XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d)}
$W sandbox start >/dev/null 2>&1
trap '$W sandbox stop >/dev/null' EXIT
$W seed --rows "$rows" --replace >/dev/null
url=$($W sandbox url)
target/release/examples/bench_indexes "$url"
echo
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); PostgreSQL $(psql "$url" -qAtc 'SHOW server_version')."
