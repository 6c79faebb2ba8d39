#!/bin/sh
# Runs a command inside a fresh X server (Xvfb), D-Bus session and
# accessibility bus, as a desktop session would provide them.
# Usage: ui-session.sh COMMAND [ARGS…]
set -eu

if [ -z "${UI_SESSION_INNER:-}" ]; then
  export UI_SESSION_INNER=1
  exec dbus-run-session -- "$0" "$@"
fi

# Xvfb picks a free display itself and writes its number once it accepts
# connections: choosing a number here raced with other sessions started at
# the same moment, and a client could start before the server was up.
# -noreset: the AT-SPI launcher connects and leaves first, and a server
# resetting after its last client refuses the app that connects next.
displayfile=$(mktemp)
Xvfb -displayfd 3 -noreset -screen 0 1280x800x24 -nolisten tcp 3>"$displayfile" >/dev/null 2>&1 &
xvfb_pid=$!
at_pid=""
cleanup() {
  [ -n "$at_pid" ] && kill "$at_pid" 2>/dev/null || true
  kill "$xvfb_pid" 2>/dev/null || true
  rm -f "$displayfile"
  case "${HOME:-}" in /tmp/tmp.*) rm -rf "$HOME" ;; esac
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 600); do
  [ -s "$displayfile" ] && break
  kill -0 "$xvfb_pid" 2>/dev/null || { echo "Xvfb did not start" >&2; exit 1; }
  sleep 0.05
done
display=$(head -n 1 "$displayfile")
[ -n "$display" ] || { echo "Xvfb did not report a display" >&2; exit 1; }

export DISPLAY=":$display"
export GDK_BACKEND=x11
export GSK_RENDERER=cairo
export GTK_A11Y=atspi
export NO_AT_BRIDGE=0
unset WAYLAND_DISPLAY

# A keyring of its own, in a home of its own, unlocked: libsecret works as on
# a desktop and nothing touches the real user's keyring.
HOME=$(mktemp -d)
XDG_DATA_HOME="$HOME/.local/share"
XDG_CONFIG_HOME="$HOME/.config"
XDG_CACHE_HOME="$HOME/.cache"
export HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  eval "$(printf 'test-session' | gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  export GNOME_KEYRING_CONTROL
fi

launcher=/usr/libexec/at-spi-bus-launcher
[ -x "$launcher" ] || launcher=/usr/lib/at-spi2-core/at-spi-bus-launcher
"$launcher" --launch-immediately >/dev/null 2>&1 &
at_pid=$!
sleep 0.3

"$@"
