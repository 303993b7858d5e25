#!/usr/bin/env bash
# Benchmark: is Waybill's concurrency runner the bottleneck? On the sandbox,
# pgbench and Waybill's rapid-fire runner call create_history_entry on a fresh
# hot shipment with the same number of clients. pgbench runs in both protocols:
# `-M extended` is the one Waybill uses (unnamed statements, which work through
# transaction poolers: parse and bind on every call), `-M prepared` names the
# statement once and only binds after that. Every measurement gets its own new
# shipment; each client count is warmed up on both sides first, then measured
# ROUNDS times with the order of the three rotating, and the table gives the
# median with the min–max of the rounds.
# Usage: scripts/bench-concurrency.sh [SECONDS] [ROUNDS]   (default 10 s, 3 rounds)
secs=${1:-10}
rounds=${2:-3}
bench_build="--bin waybill"
. "$(dirname "$0")/bench-common.sh"
bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PSQL=(psql "$url" -qAt)

new_shipment() {
  "${PSQL[@]}" -c "INSERT INTO shipment_requests (reference, title, status, origin, destination)
                   VALUES ('BENCH-' || gen_random_uuid(), 'Benchmark shipment', 'test', 'Waybill', 'Waybill') RETURNING id"
}

script=$bench_home/call.sql
echo "SELECT * FROM create_history_entry(:shipment::uuid, 'benchmark', NULL, '{}'::jsonb, NULL);" > "$script"

pgbench_tps() { # clients mode seconds
  "$bindir/pgbench" "$url" -n -f "$script" -c "$1" -j 2 -T "$3" -M "$2" -D "shipment=$(new_shipment)" 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -1
}

runner_tps() { # clients requests
  # The runner makes its own new test shipment for every run.
  "$W" concurrency --scenario rapid_fire --pool-size "$1" --requests "$2" --max-ms 600000 --json 2>/dev/null \
    | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["stats"]["throughput_per_s"] if r["passed"] else "FAIL")'
}

stats() { # values… -> "median (min–max)"
  python3 -c 'import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(f"{statistics.median(v):.0f} ({min(v):.0f}–{max(v):.0f})")' "$@"
}
ratios() { # "a b c" "x y z" -> median (min–max) of the paired ratios a/x …
  python3 -c 'import statistics,sys; a=[float(x) for x in sys.argv[1].split()]; b=[float(x) for x in sys.argv[2].split()]; r=[x/y for x,y in zip(a,b)]; print(f"{statistics.median(r):.2f} ({min(r):.2f}–{max(r):.2f})")' "$1" "$2"
}

echo "| clients | pgbench -M prepared, calls/s | pgbench -M extended, calls/s | Waybill runner, calls/s | runner ÷ extended | runner ÷ prepared |"
echo "|---:|---:|---:|---:|---:|---:|"
for c in 1 5 50; do
  # Warm-up, not counted: both sides' code paths and the server's caches.
  warm=$(pgbench_tps "$c" extended 2)
  runner_tps "$c" "$(python3 -c "print(max(100, int($warm * 2)))")" >/dev/null
  # The runner gets as many requests as pgbench (extended) manages in $secs.
  n=$(python3 -c "print(max(100, int($warm * $secs)))")
  prepared=() extended=() runner=()
  for ((r = 0; r < rounds; r++)); do
    for k in 0 1 2; do
      case $(((k + r) % 3)) in
        0) prepared+=("$(pgbench_tps "$c" prepared "$secs")") ;;
        1) extended+=("$(pgbench_tps "$c" extended "$secs")") ;;
        2) runner+=("$(runner_tps "$c" "$n")") ;;
      esac
    done
  done
  if printf '%s\n' "${runner[@]}" | grep -q FAIL; then
    echo "| $c | the runner's run did not pass: the figures would mean nothing |" && continue
  fi
  printf "| %s | %s | %s | %s | %s | %s |\n" "$c" "$(stats "${prepared[@]}")" "$(stats "${extended[@]}")" \
    "$(stats "${runner[@]}")" "$(ratios "${runner[*]}" "${extended[*]}")" "$(ratios "${runner[*]}" "${prepared[*]}")"
done
echo
echo "Median (min–max) of $rounds rounds per cell, ${secs} s of pgbench per sample, the runner given as many"
echo "requests as pgbench -M extended made in that time; ratios pair each round's runner with that round's pgbench."
machine
