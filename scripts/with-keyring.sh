#!/usr/bin/env bash
# Runs "$@" with the real Secret Service: a gnome-keyring daemon, unlocked, on
# the D-Bus session this is started in (`dbus-run-session -- scripts/with-keyring.sh …`).
# Its keyring files live in a temporary directory, never the user's.
set -euo pipefail
keyrings=$(mktemp -d /tmp/waybill-keyring-XXXXXX)
printf %s waybill-test | XDG_DATA_HOME=$keyrings gnome-keyring-daemon --components=secrets --daemonize --unlock >/dev/null
status=0
"$@" || status=$?
rm -rf "$keyrings"
exit $status
