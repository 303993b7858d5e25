#!/usr/bin/env bash
# Benchmark: reading a history in another layout (PaperTrail's `versions`)
# against the same history in Waybill's own, side by side in one run. Seeds a
# private sandbox with 2,000,000 history rows (one shipment of 100,000
# versions, another of 10,000), copies them into a PaperTrail-layout table
# (`versions`, ids in time order, `object_changes` as [old, new] pairs) with
# the index a PaperTrail history needs for keyset paging, and prints a
# Markdown table of core-call times (medians with the 10th–90th percentile);
# then the timeline with and without the index Database health asks for on
# PaperTrail's table, and the integrity scan through each layout against a
# bare read of the columns it reads.
# Usage: scripts/bench-any-table.sh [ROWS]   (default 2000000)
bench_build="--bin waybill --example bench_any_table"
. "$(dirname "$0")/bench-common.sh"
rows=${1:-2000000}
"$W" seed --rows "$rows" --replace >/dev/null
started=$(date +%s)
psql "$url" -q -v ON_ERROR_STOP=1 <<'SQL'
CREATE TABLE pt_shipments AS
  SELECT row_number() OVER (ORDER BY created_at, id)::bigint AS id, id AS uuid, reference, title, status
    FROM shipment_requests;
ALTER TABLE pt_shipments ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON pt_shipments (uuid);
CREATE INDEX ON pt_shipments (reference);
-- PaperTrail's own table (its install generator's columns, JSON columns).
CREATE TABLE versions (id bigserial PRIMARY KEY, item_type text NOT NULL, item_id bigint NOT NULL,
  event text NOT NULL, whodunnit text, object jsonb, object_changes jsonb, created_at timestamp);
INSERT INTO versions (item_type, item_id, event, whodunnit, object_changes, created_at)
SELECT 'Shipment', p.id, CASE WHEN h.version_no = 1 THEN 'create' ELSE 'update' END, h.actor_id::text,
       (SELECT jsonb_object_agg(c.key, jsonb_build_array(c.value -> 'old', c.value -> 'new'))
          FROM jsonb_each(CASE WHEN jsonb_typeof(h.changes) = 'object' THEN h.changes END) c),
       h."timestamp" AT TIME ZONE 'UTC'
  FROM shipment_history h JOIN pt_shipments p ON p.uuid = h.shipment_id
 ORDER BY h."timestamp", h.shipment_id, h.version_no;
-- PaperTrail's generator makes (item_type, item_id); keyset paging by id
-- within a record wants the id too.
CREATE INDEX index_versions_on_item_type_and_item_id_and_id ON versions (item_type, item_id, id);
VACUUM ANALYZE versions;
VACUUM ANALYZE pt_shipments;
SQL
echo "Copied the history into PaperTrail's layout in $(( $(date +%s) - started )) s." >&2
target/release/examples/bench_any_table "$url"
echo

# The integrity scan of the whole history through each layout, against the
# floor no scan can beat: a bare read of the columns it reads, in its order,
# streamed to nowhere (alternating, three rounds).
seconds() { # runs "$@", prints its wall time in seconds
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
floor() { psql "$url" -qc "COPY ($1) TO STDOUT" >/dev/null; }
waybill_floor="SELECT shipment_id::text, version_no, actor_id::text, \"timestamp\", event_type, changes::text, snapshot::text
  FROM shipment_history ORDER BY shipment_id, version_no"
papertrail_floor="SELECT item_id, id, whodunnit, created_at, event, object_changes::text
  FROM versions WHERE item_type = 'Shipment' ORDER BY item_id, id"
spec="papertrail:item_type=Shipment,records_table=pt_shipments"
echo "| round | Waybill's layout: bare read (s) | scan (s) | scan ÷ read | PaperTrail's layout: bare read (s) | scan (s) | scan ÷ read |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for round in 1 2 3; do
  wf=$(seconds floor "$waybill_floor")
  ws=$(seconds "$W" integrity --json)
  pf=$(seconds floor "$papertrail_floor")
  ps=$(seconds "$W" --history "$spec" integrity --json)
  printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n" "$round" "$wf" "$ws" "$(echo "$ws / $wf" | bc -l)" "$pf" "$ps" "$(echo "$ps / $pf" | bc -l)"
done
echo
machine
