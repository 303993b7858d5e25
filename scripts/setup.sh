#!/usr/bin/env bash
# Installs what Waybill needs on Debian 12 / Ubuntu: system packages, the Rust
# toolchain, Node.js and the UI's npm packages; with --test also what the test
# suite drives (WebKitWebDriver, Xvfb, tauri-driver). Idempotent: when all is
# there it only checks, in a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

with_test=false
[ "${1:-}" = "--test" ] && with_test=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# What Tauri 2 needs to build on Linux, PostgreSQL's server for the sandbox, and
# libdbus for the keyring (passwords go to the Secret Service over D-Bus).
packages=(build-essential pkg-config curl file libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
          libayatana-appindicator3-dev librsvg2-dev postgresql fonts-dejavu-core libdbus-1-dev)
if $with_test; then
  # The real desktop app under test: WebKit's WebDriver, a virtual display; the
  # real Secret Service (gnome-keyring on a private D-Bus session); the "remote"
  # servers the tests connect to: PostgreSQL with a TLS certificate made by
  # openssl, and PgBouncer in transaction mode in front of it; xdotool answers
  # the shell's native confirmation dialogs (outside the webview, where
  # WebDriver cannot reach); xclip reads what Copy link put on the clipboard;
  # shared-mime-info and gio (libglib2.0-bin) are how "Open" finds the
  # application for a saved file; python3-xlib closes the window as a window
  # manager does when a person clicks its close button (WM_DELETE_WINDOW:
  # Xvfb has no window manager, and xdotool can only destroy a window);
  # ImageMagick's import takes the screenshots from the X server (WebKitWebDriver's
  # own hang with the app's drawing mode; see draw_without_gpu_compositing);
  # python3 runs the checks of the core's module layers and the UI's bindings.
  packages+=(webkit2gtk-driver xvfb xauth gnome-keyring dbus openssl pgbouncer xdotool xclip shared-mime-info libglib2.0-bin python3 python3-xlib imagemagick)
  # Histories written by the audit libraries themselves, for the tests of
  # reading any audit table: PaperTrail (Ruby on Rails), django-simple-history,
  # and SQL:2011 system versioning by the periods extension (for the server
  # version `postgresql` brings: 15 on Debian 12).
  pg_major=$(apt-cache depends postgresql 2>/dev/null | sed -n 's/.*Depends: postgresql-\([0-9][0-9]*\)$/\1/p' | head -1)
  packages+=(ruby-paper-trail ruby-activerecord ruby-pg python3-django python3-django-simple-history python3-psycopg2
             "postgresql-${pg_major:-15}-periods")
fi
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "Node.js $(node --version) is too old: Waybill's UI build needs Node.js 18 or newer." >&2
  exit 1
fi

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v cargo >/dev/null 2>&1; then
  say "Installing the Rust toolchain (rustup)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
rust_minor=$(rustc --version | sed -E 's/^rustc 1\.([0-9]+).*/\1/')
if [ "$rust_minor" -lt 89 ]; then
  say "Updating Rust (1.89 or newer is needed)"
  rustup update stable
fi

if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  say "Installing the UI's npm packages"
  (cd ui && npm ci --no-audit --no-fund)
fi

if $with_test; then
  # Pinned: a patch release of tauri-driver once broke suites.
  # (tauri-driver has no --version: ask cargo what it installed.)
  if ! cargo install --list 2>/dev/null | grep -qx 'tauri-driver v2.1.0:'; then
    say "Installing tauri-driver 2.1.0"
    cargo install tauri-driver --locked --version 2.1.0
  fi
fi
