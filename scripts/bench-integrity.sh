#!/usr/bin/env bash
# Benchmark: the integrity scan on 2,000,000 history rows against the floor no
# scan can beat, side by side (alternating, three rounds): a bare read of the
# same columns streamed to nowhere (COPY … TO STDOUT into /dev/null, in table
# order, and in the scan's (shipment, version) order), then
# `waybill integrity` over the whole table. Also the scan's peak RSS, which
# must not grow with the table (one shipment's state is held, not the table).
# Usage: scripts/bench-integrity.sh [ROWS]   (default 2000000)
bench_build="--bin waybill"
. "$(dirname "$0")/bench-common.sh"
rows=${1:-2000000}
"$W" seed --rows "$rows" --replace >/dev/null 2>&1
psql "$url" -qc "VACUUM ANALYZE shipment_history" >/dev/null
columns=$(grep -A1 'HISTORY_COLUMNS: &str =$' src/integrity/scan.rs | tail -1 | sed -E 's/^ *"(.*)";$/\1/; s/\\"/"/g')
floor() {
  psql "$url" -qc "COPY (SELECT $columns FROM shipment_history h $1) TO STDOUT" >/dev/null
}
seconds() { # runs "$@", prints its wall time in seconds
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
scan() {
  /usr/bin/time -f "%M" -o "$bench_home/rss" "$W" integrity --json >"$bench_home/report.json" || true
}
echo "| round | bare read, table order (s) | bare read, (shipment, version) order (s) | integrity scan (s) | scan ÷ table-order read | scan peak RSS (MB) | rows | findings |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for round in 1 2 3; do
  plain=$(seconds floor "")
  ordered=$(seconds floor "ORDER BY h.shipment_id, h.version_no")
  scanned=$(seconds scan)
  rss=$(( $(cat "$bench_home/rss") / 1024 ))
  read -r scanned_rows findings < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["rows"], sum(c["count"] for c in r["counts"]))' "$bench_home/report.json")
  printf "| %s | %.2f | %.2f | %.2f | %.2f | %s | %s | %s |\n" "$round" "$plain" "$ordered" "$scanned" "$(echo "$scanned / $plain" | bc -l)" "$rss" "$scanned_rows" "$findings"
done
echo
machine
