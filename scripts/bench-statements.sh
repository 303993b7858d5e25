#!/usr/bin/env bash
# Benchmark: what the unnamed statement (which works through transaction
# poolers) costs against a named, cached one, on the sandbox's demo data.
# Prints a Markdown table; both variants are measured in one run, alternating.
bench_build="--bin waybill --example bench_statements"
. "$(dirname "$0")/bench-common.sh"
target/release/examples/bench_statements "$url"
echo
machine
