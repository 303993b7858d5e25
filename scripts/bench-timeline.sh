#!/usr/bin/env bash
# Benchmark: the timeline's queries on 2,000,000 history rows (shipments with
# 100,000 and 10,000 versions). Seeds a private sandbox (timing the seeding and
# the seeding process's peak memory), then prints a Markdown table of
# PostgreSQL execution times (EXPLAIN ANALYZE of the statements the core
# builds) and whole core-call times (medians with the 10th–90th percentile),
# all measured in one run.
# Usage: scripts/bench-timeline.sh [ROWS]   (default 2000000)
bench_build="--bin waybill --example bench_timeline"
. "$(dirname "$0")/bench-common.sh"
rows=${1:-2000000}
seeded=$(python3 - "$W" "$rows" <<'PY'
import resource, subprocess, sys, time
started = time.monotonic()
seeded = subprocess.run([sys.argv[1], "seed", "--rows", sys.argv[2], "--replace"], capture_output=True, text=True)
if seeded.returncode != 0:
    sys.exit(f"seeding failed: {seeded.stderr}")
took = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"Seeding {int(sys.argv[2]):,} history rows took {took:.0f} s; the seeding process peaked at {peak:.0f} MB (its own memory, not the server's).")
PY
)
target/release/examples/bench_timeline "$url"
echo
echo "$seeded"
machine
