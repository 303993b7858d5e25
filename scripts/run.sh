#!/usr/bin/env bash
# Sets everything up, builds Waybill and opens it on the sandbox (a private local
# PostgreSQL with demo data, created on first start). Extra arguments are ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

printf '\033[1m==> Building the UI and the desktop app (the first build takes several minutes)\033[0m\n'
(cd ui && npm run build)
cargo build -p waybill-desktop --features custom-protocol

if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (DISPLAY/WAYLAND_DISPLAY are unset). Run this from a desktop session," >&2
  echo "or on a headless machine: xvfb-run ./scripts/run.sh" >&2
  exit 1
fi
exec target/debug/waybill-desktop
