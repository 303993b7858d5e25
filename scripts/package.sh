#!/usr/bin/env bash
# Builds Waybill's installable packages: a release build of the desktop app and
# of the `waybill` CLI, bundled by the Tauri bundler (the @tauri-apps/cli pinned
# in ui/package.json, from the npm registry) into
#   target/release/bundle/deb/Waybill_<version>_amd64.deb
#   target/release/bundle/rpm/Waybill-<version>-1.x86_64.rpm
# No AppImage: the bundler downloads its AppImage tools at build time.
# Install with: sudo apt install ./target/release/bundle/deb/Waybill_*_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

say "Building the UI"
(cd ui && npm run build)
say "Building the CLI (release)"
cargo build --release --locked -p waybill --bin waybill
say "Building and bundling the desktop app (release)"
# The bundler runs `cargo build --release` for the app itself, with its
# custom-protocol feature: the UI comes from the binary, never a dev server.
ui/node_modules/.bin/tauri build --features custom-protocol --bundles deb,rpm -- --locked
ls -l target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm
