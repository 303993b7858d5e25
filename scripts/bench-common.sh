# Sourced by the bench-*.sh scripts: builds the release binaries named in
# $bench_build (e.g. "--bin waybill --example bench_timeline"), and starts a
# sandbox in a private temporary data directory of its own. It never touches
# the user's sandbox (whatever XDG_DATA_HOME says), and on exit stops that
# sandbox and removes its cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# shellcheck disable=SC2086 # the list of targets is meant to split
cargo build --release -q $bench_build
W=$PWD/target/release/waybill
bench_home=$(mktemp -d /tmp/waybill-bench-XXXXXX)
chmod 755 "$bench_home"
export XDG_DATA_HOME=$bench_home XDG_CONFIG_HOME=$bench_home/config
unset DATABASE_URL WAYBILL_PROFILE
bench_cleanup() {
  "$W" sandbox stop >/dev/null 2>&1 || true
  rm -rf "$bench_home"
}
trap bench_cleanup EXIT
"$W" sandbox start >/dev/null 2>&1
url=$("$W" sandbox url)

# One line saying where the figures were measured, and on which commit.
machine() {
  echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -sr); PostgreSQL $(psql "$url" -qAtc 'SHOW server_version'); release build of $(git rev-parse --short HEAD) on $(date -u +%Y-%m-%d)."
}
