# An ingest that keeps its files commits its loads without waiting for the disk, and confirms them before it
# reports. Here PostgreSQL restarts mid-run, and one file's committed transaction is taken back as a crash would
# take back a commit whose WAL was not yet on disk: the run must not report success, and the next run loads the
# file once. Then the same restart with nothing taken back: exit 0, as without the restart.
# ctest: run-serial (restarting the shared server would break the tests running beside it)
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 8 --rows 400000
exp="$work/data/expected.json"

# Starts an ingest of 8 one-file units on one session, which stops itself once its first unit has committed.
start_paused_ingest() {
  SLUICE_FAIL_POINTS=pause-after-first-commit "$SLUICE_BIN" ingest "$work/data" --schema "$schema" --unit-bytes 1 \
    --connections 1 --progress never > "$work/out.txt" 2> "$work/err.txt" &
  pid=$!
  wait_stopped "$pid"
  expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")" 1 "files committed at the pause"
}

# Restarts PostgreSQL under the paused ingest, lets it go on, and keeps its exit code in $rc.
restart_and_finish() {
  "$SLUICE_TOP/scripts/pg-local" restart
  kill -CONT "$pid"
  set +e; wait "$pid"; rc=$?; set -e
}

# 1. A commit lost: the file's rows, rejects, aggregates and ledger row go together, as its transaction would.
start_paused_ingest
lost=$(sql "SELECT min(file_id) FROM \"$schema\".files WHERE status = 'loaded'")
sql "BEGIN;
     DELETE FROM \"$schema\".readings WHERE file_id = $lost;
     DELETE FROM \"$schema\".rejects WHERE file_id = $lost;
     DELETE FROM \"$schema\".file_hourly WHERE file_id = $lost;
     DELETE FROM \"$schema\".files WHERE file_id = $lost;
     COMMIT" > /dev/null
restart_and_finish
expect_eq "$rc" 3 "exit code when a committed file was lost in a restart"
grep -q "restarted during the run and 1 of the 8 files it committed were lost" "$work/err.txt" ||
  fail "no message about the lost file: $(tail -5 "$work/err.txt")"
expect_eq "$(sql "SELECT exit_code FROM \"$schema\".runs ORDER BY run_id DESC LIMIT 1")" 3 "the runs row's exit code"
echo "ok - a lost commit is reported (exit 3), not summarized as loaded"

run_sluice ingest "$work/data" --schema "$schema" --progress never > "$work/out2.txt" 2> "$work/err2.txt"
expect_eq "$rc" 0 "exit code of the run after"
grep -q "1 loaded, 7 skipped" "$work/out2.txt" || fail "the run after did not load just the lost file: $(cat "$work/out2.txt")"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$exp" 'd["valid"]')" "rows after the run after"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".rejects")" "$(json "$exp" 'd["rejected"]')" "rejects after the run after"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")" 8 "files loaded once each"
check_aggregates_match_readings
echo "ok - the next run loads the lost file once"

# 2. The same restart, nothing lost (a restart's shutdown writes every commit to disk): the run completes as usual.
sql "DROP SCHEMA \"$schema\" CASCADE" > /dev/null
start_paused_ingest
restart_and_finish
expect_eq "$rc" 0 "exit code after a restart that lost nothing"
grep -q "restarted during the run; all 8 files it committed are on disk" "$work/err.txt" ||
  fail "the check after the restart was not logged: $(tail -5 "$work/err.txt")"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$exp" 'd["valid"]')" "rows after the restart"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")" 8 "files loaded once each"
echo "ok - a restart that lost nothing ends in exit 0"
