#!/usr/bin/env bash
# Benchmark: the managers' overview (the whole core call, as `took_ms` in its
# JSON) over 24 hours, 7 and 30 days of a 2,000,000-row history, without and
# with Waybill's optional index (on "timestamp", INCLUDE the columns the
# overview counts: `waybill indexes --apply --optional`), side by side
# (alternating, three rounds). The guide's five indexes all start with
# shipment_id or actor_id, so without it the overview reads the whole table.
# Twice: on the table as `waybill seed` writes it (each shipment's history
# together) and in time order (as an audit table fills in production:
# CLUSTER on the timestamp), since where the range's rows lie decides what
# reading them costs. Also the index's size.
# Usage: scripts/bench-overview.sh [ROWS]   (default 2000000)
bench_build="--bin waybill"
. "$(dirname "$0")/bench-common.sh"
rows=${1:-2000000}
"$W" seed --rows "$rows" --replace >/dev/null 2>&1
psql "$url" -qc "VACUUM ANALYZE shipment_history" >/dev/null
index="idx_shipment_history_timestamp"
took() { # prints the overview's core time (ms) and its number of changes
  "$W" overview --last "$1" --json 2>/dev/null | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["took_ms"], o["changes"])'
}
echo "| table order | round | optional index | 24 hours (ms) | 7 days (ms) | 30 days (ms) | changes in 24 h / 7 / 30 days |"
echo "|---|---:|---|---:|---:|---:|---:|"
for layout in seeded "time order"; do
  if [ "$layout" = "time order" ]; then
    "$W" indexes --apply --optional >/dev/null 2>&1
    psql "$url" -qc "CLUSTER shipment_history USING $index" >/dev/null
  fi
  for round in 1 2 3; do
    for with in no yes; do
      if [ "$with" = yes ]; then
        "$W" indexes --apply --optional >/dev/null 2>&1
        psql "$url" -qc "VACUUM ANALYZE shipment_history" >/dev/null
      else
        psql "$url" -qc "DROP INDEX IF EXISTS $index; ANALYZE shipment_history" >/dev/null 2>&1
      fi
      took 7d >/dev/null # warm the cache for this plan
      read -r day day_changes < <(took 24h)
      read -r week week_changes < <(took 7d)
      read -r month month_changes < <(took 30d)
      echo "| $layout | $round | $with | $day | $week | $month | $day_changes / $week_changes / $month_changes |"
    done
  done
done
"$W" indexes --apply --optional >/dev/null 2>&1
echo
echo "Index size: $(psql "$url" -qAtc "SELECT pg_size_pretty(pg_relation_size('$index'))"); table: $(psql "$url" -qAtc "SELECT pg_size_pretty(pg_relation_size('shipment_history'))"), $(psql "$url" -qAtc 'SELECT count(*) FROM shipment_history') rows."
machine
