#!/usr/bin/env bash
# The client's cost guard: instructions per row of `sluice ingest --dry-run` on a small generated file,
# counted by callgrind (deterministic, so it holds on a busy machine where timings do not). Fails when the
# count grows past the threshold recorded in dry_run_instructions.threshold.
#
# Only the pipeline is counted (--toggle-collect on run_pipeline): process start, dynamic linking and
# option parsing are fixed costs that would dilute a per-row regression. The file is 20,000 rows of the
# default sensor format from scripts/gen-data (seed 7, 0.5% bad rows of every reject kind).
#
# usage: dry_run_instructions.sh SLUICE_BIN SOURCE_DIR [--print]
#   --print: only print the measured figure (to record a new threshold; see the threshold file).
set -euo pipefail
bin=${1:?usage: dry_run_instructions.sh SLUICE_BIN SOURCE_DIR [--print]}
top=${2:?usage: dry_run_instructions.sh SLUICE_BIN SOURCE_DIR [--print]}
mode=${3:-check}
rows=20000
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed (scripts/bootstrap installs it)" >&2; exit 1; }
work=$(mktemp -d /tmp/sluice-instructions.XXXXXX)
trap 'rm -rf "$work"' EXIT
"$top/scripts/gen-data" "$work/data" --files 1 --rows "$rows" >/dev/null
valgrind --tool=callgrind --callgrind-out-file="$work/out" --collect-atstart=no \
  --toggle-collect='sluice::run_pipeline*' \
  "$bin" ingest --dry-run --jobs 1 --fetch-jobs 1 --progress never "$work/data" >"$work/log" 2>&1 ||
  { cat "$work/log" >&2; echo "FAIL: the dry run under callgrind failed" >&2; exit 1; }
grep -q "rows: 19,911 loaded, 89 rejected" "$work/log" ||
  { cat "$work/log" >&2; echo "FAIL: the dry run did not see the generated rows" >&2; exit 1; }
collected=$(sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p' "$work/log")
[ -n "$collected" ] || { cat "$work/log" >&2; echo "FAIL: no instruction count in callgrind's output" >&2; exit 1; }
per_row=$((collected / rows))
if [ "$mode" = --print ]; then
  echo "$per_row"
  exit 0
fi
threshold=$(grep -v '^#' "$top/tests/perf/dry_run_instructions.threshold" | tr -d '[:space:]')
echo "dry run: $collected instructions for $rows rows = $per_row per row (threshold $threshold)"
if [ "$per_row" -gt "$threshold" ]; then
  echo "FAIL: $per_row instructions per row exceeds the recorded threshold $threshold" >&2
  echo "(a deliberate cost: measure with --print and record the new figure + 15% in the threshold file)" >&2
  exit 1
fi
