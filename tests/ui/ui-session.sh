#!/bin/sh
# Runs a command inside a fresh X server (Xvfb), D-Bus session and
# accessibility bus, as a desktop session would provide them.
# Usage: ui-session.sh COMMAND [ARGS…]
set -eu

if [ -z "${UI_SESSION_INNER:-}" ]; then
  export UI_SESSION_INNER=1
  exec dbus-run-session -- "$0" "$@"
fi

# Pick a display nobody uses.
display=$(( 90 + $$ % 400 ))
while [ -e "/tmp/.X11-unix/X$display" ] || [ -e "/tmp/.X$display-lock" ]; do
  display=$((display + 1))
done

# -noreset: a server that resets when its last client leaves (the check
# below, the AT-SPI launcher) refuses the next client while it does.
Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp -noreset >/dev/null 2>&1 &
xvfb_pid=$!
at_pid=""
cleanup() {
  [ -n "$at_pid" ] && kill "$at_pid" 2>/dev/null || true
  kill "$xvfb_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# On a loaded machine Xvfb can take seconds: wait until it answers, not
# only until its socket exists, or the first client cannot open the display.
for _ in $(seq 1 600); do
  [ -e "/tmp/.X11-unix/X$display" ] && DISPLAY=":$display" xdotool getdisplaygeometry >/dev/null 2>&1 && break
  sleep 0.05
done

export DISPLAY=":$display"
export GDK_BACKEND=x11
export GSK_RENDERER=cairo
export GTK_A11Y=atspi
export NO_AT_BRIDGE=0
unset WAYLAND_DISPLAY

launcher=/usr/libexec/at-spi-bus-launcher
[ -x "$launcher" ] || launcher=/usr/lib/at-spi2-core/at-spi-bus-launcher
"$launcher" --launch-immediately >/dev/null 2>&1 &
at_pid=$!
sleep 0.3

"$@"
