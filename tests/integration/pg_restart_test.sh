# PostgreSQL restarts while an ingest runs; the ingest retries and completes with the same
# final counts as a clean run.
# ctest: run-serial (restarting the shared server would break the tests running beside it)
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 12 --rows 600000
exp="$work/data/expected.json"

# The ingest stops itself once its first unit has committed, the server restarts under it, and it goes on: the
# sessions it holds are broken mid-run whatever the machine's load.
SLUICE_FAIL_POINTS=pause-after-first-commit "$SLUICE_BIN" ingest "$work/data" --schema "$schema" --unit-bytes 1 \
  --connections 2 --progress never --summary-json "$work/summary.json" > "$work/out.txt" 2> "$work/err.txt" &
pid=$!
wait_stopped "$pid"
loaded=$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")
[ "$loaded" -ge 1 ] && [ "$loaded" -lt 12 ] || fail "paused with $loaded of 12 files committed, not mid-run"
"$SLUICE_TOP/scripts/pg-local" restart
kill -CONT "$pid"
set +e; wait "$pid"; rc=$?; set -e
cat "$work/err.txt" | grep -c "retry" > "$work/retries.txt" || true
expect_eq "$rc" 0 "exit code after a restart mid-run"
[ "$(cat "$work/retries.txt")" -ge 1 ] || fail "no retry was logged; did the restart land mid-run? stderr: $(tail -5 "$work/err.txt")"
echo "ok - retries logged: $(cat "$work/retries.txt")"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$exp" 'd["valid"]')" "rows after the restart"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".rejects")" "$(json "$exp" 'd["rejected"]')" "rejects after the restart"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")" 12 "files loaded once each"
check_aggregates_match_readings
