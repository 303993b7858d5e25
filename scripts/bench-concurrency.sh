#!/usr/bin/env bash
# Benchmark: is Waybill's concurrency runner the bottleneck? In one run on the
# sandbox, pgbench and Waybill's rapid-fire runner call create_history_entry on a
# hot shipment with the same number of clients; the table gives Waybill's
# throughput as a ratio of pgbench's, and the machine's single-hot-row commit
# ceiling (pgbench updating one row), the physical limit with the lock held to commit.
# Usage: scripts/bench-concurrency.sh [SECONDS]   (default 15 per measurement)
secs=${1:-15}
bench_build="--bin waybill"
. "$(dirname "$0")/bench-common.sh"
bindir=$(pg_config --bindir 2>/dev/null || ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -x "$bindir/pgbench" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PSQL=(psql "$url" -qAt)

new_shipment() {
  "${PSQL[@]}" -c "INSERT INTO shipment_requests (reference, title, status, origin, destination)
                   VALUES ('BENCH-' || gen_random_uuid(), 'Benchmark shipment', 'test', 'Waybill', 'Waybill') RETURNING id"
}

script=$bench_home/call.sql
echo "SELECT * FROM create_history_entry(:shipment::uuid, 'benchmark', NULL, '{}'::jsonb, NULL);" > "$script"
hot=$bench_home/hot.sql
echo "UPDATE shipment_requests SET updated_at = now() WHERE id = :shipment::uuid;" > "$hot"

pgbench_tps() { # clients script shipment
  "$bindir/pgbench" "$url" -n -f "$2" -c "$1" -j 2 -T "$secs" -M prepared -D "shipment=$3" 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1
}

echo "| clients | pgbench calls/s | Waybill runner calls/s | ratio | single hot row commits/s (pgbench UPDATE) |"
echo "|---:|---:|---:|---:|---:|"
for c in 1 5 50; do
  pg=$(pgbench_tps "$c" "$script" "$(new_shipment)")
  ceiling=$(pgbench_tps "$c" "$hot" "$(new_shipment)")
  # As many requests as pgbench managed in the same time, through $c connections.
  n=$(python3 -c "print(max(100, int(float('$pg') * $secs)))")
  wb=$($W concurrency --scenario rapid-fire --pool-size "$c" --requests "$n" --max-ms 600000 --json 2>/dev/null \
        | python3 -c 'import json,sys; r=json.load(sys.stdin); print(round(r["stats"]["throughput_per_s"]) if r["passed"] else "FAIL")')
  ratio=$(python3 -c "print(f'{float(\"$wb\")/float(\"$pg\"):.2f}')" 2>/dev/null || echo "n/a")
  printf "| %s | %.0f | %s | %s | %.0f |\n" "$c" "$pg" "$wb" "$ratio" "$ceiling"
done
echo
machine
echo "${secs} s per measurement."
