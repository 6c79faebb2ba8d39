#!/bin/sh
# Fails when a file with translatable strings is missing from po/POTFILES.in,
# or when POTFILES.in names a file that does not exist.
set -eu
top="$1"
cd "$top"
status=0
for f in $(git ls-files -co --exclude-standard 'src/*.c' 'src/*.ui' 'data/*.in' 'data/*.xml' | grep -v '\.service\.in$'); do
  if grep -qE '(_ ?\(|N_ ?\(|NC_ ?\(|C_ ?\(|ngettext|translatable="yes"|<summary>|^Name=)' "$f"; then
    if ! grep -qxF "$f" po/POTFILES.in; then
      echo "missing from po/POTFILES.in: $f"
      status=1
    fi
  fi
done
grep -v '^#' po/POTFILES.in | grep -v '^$' | while read -r f; do
  if [ ! -f "$f" ]; then
    echo "po/POTFILES.in names a missing file: $f"
    exit 1
  fi
done || status=1
exit $status
