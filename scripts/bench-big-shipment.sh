#!/usr/bin/env bash
# Benchmark: one shipment with 1,000,000 versions and no stored snapshots (the
# worst case: every state is rebuilt by replaying changes), in a private
# sandbox. Prints the peak memory (RSS) of the CLI opening it, paging it, and
# showing the diff of a version in its middle and at its end; with --app, also
# of the desktop app (and its WebKit processes) doing the same through
# WebDriver (needs a display: run under xvfb-run, as scripts/test.sh does).
# Usage: scripts/bench-big-shipment.sh [VERSIONS] [--app]
versions=1000000
app=false
for arg in "$@"; do
  case "$arg" in
    --app) app=true ;;
    *) versions=$arg ;;
  esac
done
bench_build="--bin waybill"
. "$(dirname "$0")/bench-common.sh"
"$W" seed --rows 20000 --replace >/dev/null
psql "$url" -qAt -v ON_ERROR_STOP=1 <<SQL
INSERT INTO shipment_requests (id, reference, title, status, origin, destination)
VALUES ('00000000-0000-0000-0000-00000000b16b', 'SHP-BIG-1', 'One million versions', 'in_transit', 'Hamburg, DE', 'Oslo, NO');
INSERT INTO shipment_history (shipment_id, version_no, event_type, "timestamp", changes, snapshot)
SELECT '00000000-0000-0000-0000-00000000b16b', v, 'location_updated', now() - (($versions - v) * interval '1 second'),
       jsonb_build_object('current_location', jsonb_build_object('old', 'km ' || (v - 1), 'new', 'km ' || v),
                          'note', jsonb_build_object('old', NULL, 'new', repeat('n', 100))),
       NULL
  FROM generate_series(1, $versions) v;
ANALYZE shipment_history;
SQL

peak() { # command… → peak RSS in MB of that process
  /usr/bin/time -f "%M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'
}
mid=$((versions / 2))
echo "| CLI command on SHP-BIG-1 ($versions versions, no snapshots) | peak RSS, MB | time, s |"
echo "|---|---:|---:|"
for args in "shipment SHP-BIG-1" "timeline SHP-BIG-1 --limit 1000" "timeline SHP-BIG-1 --limit 1000 --before-version $mid" \
            "version SHP-BIG-1 $mid" "version SHP-BIG-1 $versions" "diff SHP-BIG-1 1 $versions" "blame SHP-BIG-1" \
            "activity --shipment SHP-BIG-1 --utc"; do
  start=$(date +%s.%N)
  # shellcheck disable=SC2086
  mb=$(peak "$W" $args)
  secs=$(python3 -c "print(f'{$(date +%s.%N) - $start:.2f}')")
  echo "| \`waybill $args\` | $mb | $secs |"
done
where=$(machine)
if $app; then
  echo
  cargo build --release -q -p waybill-desktop --features custom-protocol
  (cd ui && npm run build >/dev/null)
  WAYBILL_APP=$PWD/target/release/waybill-desktop node scripts/measure-app-memory.mjs SHP-BIG-1 "$mid"
fi
echo
echo "$where"
