#!/usr/bin/env bash
# Benchmark: the managers' overview (the whole core call, as `took_ms` in its
# JSON; as the app calls it, on connections already open
# (examples/bench_overview.rs, medians of three), and as `waybill overview`,
# a new process opening its connections) over 24 hours, 7 and 30 days of a
# 2,000,000-row history, without Waybill's optional indexes, with the one on
# "timestamp" (INCLUDE the columns the overview counts), and with both (the
# second: status changes by shipment and version, for when a stay began;
# `waybill indexes --apply --optional` creates them), side by side
# (alternating, three rounds). The guide's five indexes all start with
# shipment_id or actor_id, so without it the overview reads the whole table.
# Twice: on the table as `waybill seed` writes it (each shipment's history
# together) and in time order (as an audit table fills in production:
# CLUSTER on the timestamp), since where the range's rows lie decides what
# reading them costs. Also the indexes' sizes.
# Usage: scripts/bench-overview.sh [ROWS]   (default 2000000)
bench_build="--bin waybill --example bench_overview"
. "$(dirname "$0")/bench-common.sh"
rows=${1:-2000000}
"$W" seed --rows "$rows" --replace >/dev/null 2>&1
psql "$url" -qc "VACUUM ANALYZE shipment_history" >/dev/null
index="idx_shipment_history_timestamp"
status_index="idx_shipment_history_status_changes"
took() { # prints the overview's core time (ms) and its number of changes
  "$W" overview --last "$1" --json 2>/dev/null | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["took_ms"], o["changes"])'
}
echo "| table order | round | optional indexes | 24 hours (ms): app / CLI | 7 days | 30 days | changes in 24 h / 7 / 30 days |"
echo "|---|---:|---|---:|---:|---:|---:|"
for layout in seeded "time order"; do
  if [ "$layout" = "time order" ]; then
    "$W" indexes --apply --optional >/dev/null 2>&1
    psql "$url" -qc "CLUSTER shipment_history USING $index" >/dev/null
  fi
  for round in 1 2 3; do
    for with in none timestamp both; do
      case $with in
        none) psql "$url" -qc "DROP INDEX IF EXISTS $index, $status_index" >/dev/null 2>&1 ;;
        timestamp) "$W" indexes --apply --optional >/dev/null 2>&1
          psql "$url" -qc "DROP INDEX IF EXISTS $status_index" >/dev/null 2>&1 ;;
        both) "$W" indexes --apply --optional >/dev/null 2>&1 ;;
      esac
      psql "$url" -qc "VACUUM ANALYZE shipment_history" >/dev/null
      took 7d >/dev/null # warm the cache for this plan
      read -r day day_changes < <(took 24h)
      read -r week week_changes < <(took 7d)
      read -r month month_changes < <(took 30d)
      read -r app_day app_week app_month < <(target/release/examples/bench_overview "$url")
      echo "| $layout | $round | $with | $app_day / $day | $app_week / $week | $app_month / $month | $day_changes / $week_changes / $month_changes |"
    done
  done
done
"$W" indexes --apply --optional >/dev/null 2>&1
echo
echo "Index sizes: $index $(psql "$url" -qAtc "SELECT pg_size_pretty(pg_relation_size('$index'))"), $status_index $(psql "$url" -qAtc "SELECT pg_size_pretty(pg_relation_size('$status_index'))"); table: $(psql "$url" -qAtc "SELECT pg_size_pretty(pg_relation_size('shipment_history'))"), $(psql "$url" -qAtc 'SELECT count(*) FROM shipment_history') rows."
machine
