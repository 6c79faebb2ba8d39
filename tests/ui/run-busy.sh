#!/bin/sh
# Runs the UI suite N times in a row (default 3) while one busy loop per
# core keeps the machine loaded, and prints how long each run took: the UI
# tests must wait for state, not for a quiet machine.
# Usage: tests/ui/run-busy.sh BUILDDIR [N]
set -eu
build=${1:?usage: run-busy.sh BUILDDIR [N]}
runs=${2:-3}

loops=""
cleanup() { [ -n "$loops" ] && kill $loops 2>/dev/null || true; }
trap cleanup EXIT INT TERM
for _ in $(seq 1 "$(nproc)"); do
  sh -c 'while :; do :; done' &
  loops="$loops $!"
done

for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if meson test -C "$build" --suite ui --print-errorlogs; then result=passed; else result=FAILED; fi
  echo "run $i of $runs: $result in $(( $(date +%s) - start )) s with $(nproc) busy loops"
  [ "$result" = passed ] || exit 1
done
