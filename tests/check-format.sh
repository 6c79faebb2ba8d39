#!/bin/sh
# Fails when a C file in the tree is not formatted as .clang-format says,
# and names the files; `clang-format -i FILE` formats one.
# Usage: check-format.sh SOURCE_ROOT
set -eu
top="$1"
cd "$top"

if ! command -v clang-format >/dev/null 2>&1; then
  echo "clang-format is not installed (apt install clang-format)"
  exit 77
fi

status=0
for f in $(git ls-files -co --exclude-standard '*.c' '*.h'); do
  if ! clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f"
    status=1
  fi
done
exit $status
