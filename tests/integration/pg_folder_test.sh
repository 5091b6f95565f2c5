# folder workflows. Loaded files are archived (or deleted) only after their commit, failed
# files are quarantined with a .reason.txt, and a kill between a commit and its move neither loses
# nor re-loads anything: the next run finishes the move.
source "$(dirname "$0")/lib.sh"
# The files are generated just before the runs: --settle 0, or the default 5 s of a moving run would leave them.
gen_data "$work/in" --files 6 --rows 30000
exp="$work/in/expected.json"
mv "$exp" "$work/expected.json"
printf 'time,device\n1,2\n' > "$work/in/site00/broken.csv"

run_sluice ingest "$work/in" --schema "$schema" --on-success "move:$work/in/archive" --settle 0 --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 2 "an archive inside the source folder is refused"

# A kill right after the first commit, before its move.
set +e
SLUICE_FAIL_POINTS=after-commit-before-dispose "$SLUICE_BIN" ingest "$work/in" --schema "$schema" --unit-bytes 1 --connections 1 \
  --on-success "move:$work/archive" --on-failure "move:$work/quarantine" --settle 0 --progress never --quiet >/dev/null 2>&1
rc=$?
set -e
expect_eq "$rc" 137 "the fail point killed the run after a commit"
committed=$(sql "SELECT count(*) FROM \"$schema\".files")
expect_eq "$committed" 1 "files committed before the kill"
committed_loaded=$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")
expect_eq "$(find "$work/archive" -type f 2>/dev/null | wc -l)" 0 "nothing moved before the kill"

run_sluice ingest "$work/in" --schema "$schema" --unit-bytes 1 --on-success "move:$work/archive" \
  --on-failure "move:$work/quarantine" --settle 0 --progress never --quiet --summary-json "$work/s.json" >/dev/null 2>&1
# 1 when the broken file fails in this run; 0 when it was the one committed (as failed) before the kill.
[ "$rc" -le 1 ] || fail "re-run exit code $rc"
# A loaded file committed before the kill is skipped and moved; a failed one is tried again (then quarantined).
expect_eq "$(json "$work/s.json" 'd["files"]["skipped"]')" "$committed_loaded" "the committed loaded file is skipped, not reloaded"
expect_eq "$(find "$work/in" -type f | wc -l)" 0 "source folder emptied"
expect_eq "$(find "$work/archive" -type f -name '*.csv' | wc -l)" 6 "archived files (paths kept)"
[ -f "$work/archive/site00/$(ls "$work/archive/site00" | head -1)" ] || fail "archive lost the folder structure"
expect_eq "$(find "$work/quarantine" -name 'broken.csv' | wc -l)" 1 "quarantined file"
grep -q "bad header" "$work/quarantine/site00/broken.csv.reason.txt" || fail "quarantine reason missing"
echo "ok - quarantine reason: $(head -1 "$work/quarantine/site00/broken.csv.reason.txt")"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$work/expected.json" 'd["valid"]')" "rows: none lost, none twice"

# delete: loaded files are removed after commit.
gen_data "$work/del" --files 2 --rows 2000
rm "$work/del/expected.json"
run_sluice ingest "$work/del" --schema "$schema" --on-success delete --settle 0 --progress never --quiet >/dev/null
expect_eq "$rc,$(find "$work/del" -type f | wc -l)" "0,0" "--on-success delete"
