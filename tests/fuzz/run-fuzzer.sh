#!/bin/sh
# Runs a libFuzzer target for a bounded time from the corpus in the tree.
# The inputs it finds go to a scratch directory, never into the tree; a
# crashing input is kept in ARTIFACTS (and printed in the log).
# Usage: run-fuzzer.sh TARGET SECONDS CORPUS DICTIONARY ARTIFACTS
set -eu
target=$1
seconds=$2
corpus=$3
dict=$4
artifacts=$5
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$artifacts"
status=0
"$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -dict="$dict" -artifact_prefix="$artifacts/" \
  "$scratch" "$corpus" || status=$?
exit $status
