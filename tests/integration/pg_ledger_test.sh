# The file ledger's transitions (docs/ledger.md), one by one, against the real PostgreSQL: each asserts the
# rows, the aggregates and the ledger states that follow.
source "$(dirname "$0")/lib.sh"
header='ts,sensor_id,temperature,humidity,pressure,battery'
rows_of() {  # rows_of FILE N START: N readings of sensor s1, one per minute from START minutes past midnight
  { echo "$header"; for ((i = 0; i < $2; i++)); do
      printf '2026-01-01T00:%02d:00Z,s1,%d.5,50,1000,3.3\n' $(($3 + i)) $((i + $3)); done; } > "$1"
}
ingest() { run_sluice ingest "$@" --schema "$schema" --progress never --quiet --summary-json "$work/s.json" >"$work/out.txt" 2>"$work/err.txt"; }
readings() { sql "SELECT count(*) FROM \"$schema\".readings"; }
state() { sql "SELECT status || ':' || attempts FROM \"$schema\".files WHERE uri = '$1' AND status IN ('loaded','failed','given_up','expired')"; }

# --- a failed file is retried by the next run, given up after --max-attempts, retried again on request ---
mkdir -p "$work/a"
printf 'not,a,sensor,file\n' > "$work/a/bad.csv"
ingest "$work/a" --max-attempts 2
expect_eq "$rc" 1 "first failure: exit 1"
expect_eq "$(state "$work/a/bad.csv")" "failed:1" "after one failure"
ingest "$work/a" --max-attempts 2
expect_eq "$(json "$work/s.json" 'd["files"]["failed"]')" 1 "the failed file was tried again (not skipped)"
expect_eq "$(state "$work/a/bad.csv")" "given_up:2" "after --max-attempts failures"
ingest "$work/a" --max-attempts 2
expect_eq "$rc" 0 "a given-up file no longer fails every run"
expect_eq "$(json "$work/s.json" 'd["files"]["given_up"]')" 1 "given up, reported in the summary"
grep -q "given up" "$work/out.txt" || fail "the summary does not name the given-up file"
sluice status --schema "$schema" > "$work/status.txt"
grep -q "bad.csv \[given_up, 2 attempts" "$work/status.txt" || fail "status does not list the given-up file with its attempts"
sluice retry --schema "$schema" "$work/a/bad.csv" >/dev/null
expect_eq "$(state "$work/a/bad.csv")" "failed:0" "after sluice retry"
rows_of "$work/a/bad.csv" 3 0  # fixed
ingest "$work/a" --max-attempts 2
expect_eq "$rc" 0 "the fixed file loads"
expect_eq "$(state "$work/a/bad.csv")" "loaded:0" "loaded once fixed"
expect_eq "$(readings)" 3 "rows of the fixed file"
expect_eq "$(sql "SELECT f.run_id = (SELECT max(run_id) FROM \"$schema\".runs) AND f.loaded_at > r.started_at
                    AND f.updated_at = f.loaded_at FROM \"$schema\".files f JOIN \"$schema\".runs r USING (run_id)
                  WHERE f.uri = '$work/a/bad.csv' AND f.status = 'loaded'")" t \
  "the loaded row names the run that loaded it, and its time"

# --- a new version that fails keeps the old version's rows; a later good version replaces them ---
mkdir -p "$work/b"
rows_of "$work/b/x.csv" 2 10
ingest "$work/b"
before=$(readings)
printf 'garbage\n' > "$work/b/x.csv"
ingest "$work/b"
expect_eq "$rc" 1 "the broken new version fails"
expect_eq "$(readings)" "$before" "the old version's rows stay when the new version fails"
expect_eq "$(state "$work/b/x.csv")" "failed:1" "the new version is recorded failed"
expect_eq "$(sql "SELECT rows_loaded FROM \"$schema\".files WHERE uri = '$work/b/x.csv' AND status = 'failed'")" 2 \
  "the ledger still counts the stored rows"
rows_of "$work/b/x.csv" 4 20
ingest "$work/b"
expect_eq "$rc" 0 "the good version loads"
expect_eq "$(readings)" $((before - 2 + 4)) "the good version replaced the old rows (not added to them)"
expect_eq "$(sql "SELECT string_agg(status, ',' ORDER BY file_id) FROM \"$schema\".files WHERE uri = '$work/b/x.csv'")" \
  "superseded,loaded" "history of x.csv"
check_aggregates_match_readings

# --- queue folder: a new upload under a name already archived is new data; the archive never overwrites ---
mkdir -p "$work/q/in" "$work/q/archive"
rows_of "$work/q/in/u.csv" 2 30
ingest "$work/q/in" --on-success "move:$work/q/archive" --settle 0
before=$(readings)
rows_of "$work/q/in/u.csv" 3 40  # the producer re-uses the name for new data
ingest "$work/q/in" --on-success "move:$work/q/archive" --settle 0
expect_eq "$rc" 0 "second upload loads"
expect_eq "$(readings)" $((before + 3)) "the second upload appended (the first upload's rows kept)"
expect_eq "$(find "$work/q/archive" -type f | wc -l)" 2 "both uploads archived"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE uri = '$work/q/in/u.csv' AND status = 'disposed'")" 2 \
  "both ledger rows disposed"
check_aggregates_match_readings

# --- queue folder: a file rewritten after its commit, before its move, is a replacement (never loaded twice) ---
mkdir -p "$work/r/in" "$work/r/archive"
rows_of "$work/r/in/v.csv" 2 50
before=$(readings)
set +e
SLUICE_FAIL_POINTS=after-commit-before-dispose "$SLUICE_BIN" ingest "$work/r/in" --schema "$schema" \
  --on-success "move:$work/r/archive" --settle 0 --progress never --quiet >/dev/null 2>&1
rc=$?
set -e
expect_eq "$rc" 137 "killed after the commit, before the move"
expect_eq "$(readings)" $((before + 2)) "committed before the kill"
printf '2026-01-01T00:59:00Z,s1,9.5,50,1000,3.3\n' >> "$work/r/in/v.csv"  # the writer appends in place
ingest "$work/r/in" --on-success "move:$work/r/archive" --settle 0
expect_eq "$rc" 0 "the re-run"
expect_eq "$(readings)" $((before + 3)) "the rewritten file replaced its first part (not loaded twice)"
grep -q "changed after its rows committed" "$work/err.txt" || fail "the replacement was not logged"
expect_eq "$(find "$work/r/archive" -type f | wc -l)" 1 "archived once"
check_aggregates_match_readings

# --- whenever files are moved, a file modified in the last --settle seconds (default 5) is not taken ---
mkdir -p "$work/s/in" "$work/s/archive"
rows_of "$work/s/in/w.csv" 2 0
ingest "$work/s/in" --on-success "move:$work/s/archive"
expect_eq "$(json "$work/s.json" 'd["files"]["listed"]')" 0 "a file written just now is left for later"
expect_eq "$(ls "$work/s/in")" "w.csv" "and stays in place"

# --- a file reachable twice in one source (symbolic or hard link) loads once ---
mkdir -p "$work/l"
rows_of "$work/l/real.csv" 5 0
ln -s "$work/l/real.csv" "$work/l/sym.csv"
ln "$work/l/real.csv" "$work/l/hard.csv"
ingest "$work/l"
expect_eq "$(json "$work/s.json" 'd["files"]["loaded"]')" 1 "one file loaded"
expect_eq "$(json "$work/s.json" 'd["files"]["linked"]')" 2 "two other names skipped as links"
expect_eq "$(json "$work/s.json" 'd["rows"]["loaded"]')" 5 "its rows once"
ingest "$work/l"
expect_eq "$(json "$work/s.json" 'd["files"]["loaded"]')" 0 "a re-run loads nothing"
check_aggregates_match_readings
