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

# One clang-format for every file: a process per file took over half a
# minute on a busy machine. It names each file it would change.
out=$(git ls-files -co --exclude-standard '*.c' '*.h' |
  xargs clang-format --style=file --dry-run --Werror 2>&1) && exit 0
names=$(echo "$out" | sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: error: code should be clang-formatted.*/not formatted: \1/p' | sort -u)
# Anything else clang-format said (a file it could not read) is shown whole.
echo "${names:-$out}"
exit 1
