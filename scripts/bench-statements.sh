#!/usr/bin/env bash
# Benchmark: what the unnamed statement (which works through transaction
# poolers) costs against a named, cached one, on the sandbox's demo data.
# Prints a Markdown table; both variants are measured in one run, alternating.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo build --release -q --bin waybill --example bench_statements
W=target/release/waybill
export XDG_DATA_HOME=${XDG_DATA_HOME:-$(mktemp -d)}
$W sandbox start >/dev/null 2>&1
trap '$W sandbox stop >/dev/null' EXIT
target/release/examples/bench_statements "$($W sandbox url)"
echo
echo "Machine: $(nproc) cores, $(uname -sr); PostgreSQL $(psql "$($W sandbox url)" -qAtc 'SHOW server_version')."
