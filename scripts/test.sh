#!/usr/bin/env bash
# Sets everything up and runs every test: UI type checks and unit tests, the Rust
# tests against a real PostgreSQL (started by the test harness itself) and the
# test services (a TLS PostgreSQL and PgBouncer), with the real Secret Service,
# the bindings freshness check, the real desktop app end to end under Xvfb, and
# the installable package (built, installed with apt, tested, removed).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
started=$(date +%s)

step "UI: type check, unit tests, production build"
(cd ui && npm run check && npm test && npm run build)

step "Rust formatting"
cargo fmt --all --check

step "The core's modules stand in layers: no import cycle, no feature importing another"
python3 scripts/check-layers.py src

step "The core crate does not depend on tauri"
core_deps=$(cargo tree -p waybill -e normal --prefix none)
if grep -qE '^tauri ' <<<"$core_deps"; then
  echo "The core crate 'waybill' depends on tauri; keep tauri in src-tauri only." >&2
  exit 1
fi

step "Build everything once: tests, the CLI and the desktop app (with the bundled UI)"
# One invocation, so the app binary and the tests share one feature resolution
# and nothing is compiled twice.
features=(--workspace --features waybill-desktop/custom-protocol)
cargo build --all-targets "${features[@]}"

step "Test services: PostgreSQL with a TLS certificate, and PgBouncer in transaction mode"
# Not `eval "$(…)"`: under `set -e` that would hide the script failing.
services_env=$(mktemp)
if ! ./scripts/test-services.sh start > "$services_env"; then
  echo "The test services did not start (see above); the connection tests need them." >&2
  exit 1
fi
. "$services_env"
rm -f "$services_env"
trap './scripts/test-services.sh stop "$WAYBILL_TEST_SERVICES"' EXIT

# The keyring tests and the app use the real Secret Service: gnome-keyring on a
# private D-Bus session, unlocked here.
with_keyring() { dbus-run-session -- ./scripts/with-keyring.sh "$@"; }

step "Rust tests (core and shell) on a real PostgreSQL, keyring and pooler"
# The types, the command wrappers, the capability file and the list of write
# commands are generated from the Rust code.
bindings_hash() { find ui/src/lib/bindings src-tauri/capabilities e2e/write-commands.json -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum; }
before=$(bindings_hash)
# Written afresh: a type no longer exported leaves no stale file behind.
find ui/src/lib/bindings -name '*.ts' -delete
with_keyring cargo test "${features[@]}"
python3 scripts/check-bindings.py ui/src
if [ "$(bindings_hash)" != "$before" ]; then
  echo "The generated bindings were stale: the tests regenerated ui/src/lib/bindings or src-tauri/capabilities. Review and commit them." >&2
  git status --short ui/src/lib/bindings src-tauri/capabilities e2e/write-commands.json >&2 || true
  exit 1
fi

step "The desktop app end to end (tauri-driver + WebKitWebDriver under Xvfb)"
with_keyring xvfb-run -a -s "-screen 0 1400x900x24" node --test --test-concurrency=1 e2e/

step "The package: built (release), inspected, installed with apt, run from /usr/bin, removed"
with_keyring ./scripts/test-package.sh

echo
echo "All tests passed in $(( $(date +%s) - started )) s. Screenshots: target/e2e/"
