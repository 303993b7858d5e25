#!/usr/bin/env bash
# The package as a user gets it: builds it (scripts/package.sh), inspects it,
# installs it with apt, runs the installed CLI on a sandbox end to end and the
# end-to-end smoke and concurrency tests against the installed app, then
# removes it and checks that the user's data and profiles are still there.
# Run by scripts/test.sh (inside its D-Bus session with a keyring).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { echo "package test: $*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

started=$(date +%s)
./scripts/package.sh
echo "package built in $(( $(date +%s) - started )) s"
deb=$(ls target/release/bundle/deb/Waybill_*_amd64.deb)
rpm=$(ls target/release/bundle/rpm/Waybill-*.rpm)
echo "package sizes: $(du -h "$deb" | cut -f1) (.deb), $(du -h "$rpm" | cut -f1) (.rpm)"

say "Inspecting $deb"
info=$(dpkg-deb -I "$deb")
depends=$(sed -n 's/^ Depends: //p' <<<"$info")
for need in libwebkit2gtk-4.1-0 libgtk-3-0 postgresql; do
  grep -qw "$need" <<<"$depends" || fail "Depends lacks $need: $depends"
done
files=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')
for f in usr/bin/waybill usr/bin/waybill-desktop usr/share/applications/Waybill.desktop \
         usr/share/icons/hicolor/{32x32,64x64,128x128,256x256,512x512}/apps/waybill-desktop.png; do
  grep -qx "$f" <<<"$files" || fail "the package lacks $f (it has: $files)"
done
entry=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO usr/share/applications/Waybill.desktop)
for line in "Name=Waybill" "Exec=waybill-desktop %u" "Icon=waybill-desktop" "Categories=Utility;" ; do
  grep -qxF "$line" <<<"$entry" || fail "the desktop entry lacks '$line':
$entry"
done
# %u hands the app the waybill:// link the system opens it for.
grep -q "^MimeType=.*x-scheme-handler/waybill" <<<"$entry" || fail "the desktop entry does not claim waybill:// links:
$entry"

say "Installing it with apt"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "./$deb" >/dev/null
[ "$(command -v waybill)" = /usr/bin/waybill ] || fail "waybill is not /usr/bin/waybill"
version=$(/usr/bin/waybill --version)
commit=$(git rev-parse --short=9 HEAD)
[ "$version" = "waybill 0.1.0 (commit $commit)" ] || fail "--version says '$version', expected commit $commit"

home=$(mktemp -d /tmp/waybill-package-XXXXXX)
chmod 711 "$home"
cli() { XDG_DATA_HOME=$home/data XDG_CONFIG_HOME=$home/config /usr/bin/waybill "$@"; }
trap 'cli sandbox stop --force >/dev/null 2>&1 || true; rm -rf "$home"' EXIT

say "The installed CLI on a sandbox, end to end"
cli sandbox start
[ "$(cli shipments --limit 3 --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3 ] || fail "no demo shipments"
cli concurrency --json > "$home/run.json" || fail "the concurrency test did not pass: $(cat "$home/run.json")"
cli profile add elsewhere --url "postgres://someone@db.example.com:5432/orders" >/dev/null
cli sandbox stop

say "The installed app, end to end"
WAYBILL_APP=/usr/bin/waybill-desktop WAYBILL_CLI=/usr/bin/waybill \
  xvfb-run -a -s "-screen 0 1400x900x24" node --test --test-concurrency=1 e2e/smoke.test.mjs e2e/concurrency.test.mjs

say "Removing it: the programs go, the user's data and profiles stay"
as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q waybill >/dev/null
[ ! -e /usr/bin/waybill ] && [ ! -e /usr/bin/waybill-desktop ] || fail "programs left after removal"
[ -f "$home/config/waybill/profiles.json" ] || fail "the profiles were removed with the package"
grep -q elsewhere "$home/config/waybill/profiles.json" || fail "the profile is gone"
[ -d "$home/data/waybill/sandbox/data" ] || fail "the sandbox's data was removed with the package"
ls "$home"/data/waybill/concurrency-runs/*.json >/dev/null || fail "the saved runs were removed"
echo "package test passed in $(( $(date +%s) - started )) s"
