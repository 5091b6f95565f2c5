# sluice retention --before DATE: a dry run by default (prints, changes nothing); with --yes it drops the whole
# years before the date — readings partitions, aggregate contributions, the rejects of the files whose rows all
# lay there — and keeps those files' ledger rows as `expired`. A later listing of an expired file, even touched,
# skips it (no old data reloaded, no aggregate doubled); --force reloads it. sensor_hourly equals a GROUP BY over
# readings throughout.
source "$(dirname "$0")/lib.sh"
opts=(--progress never --quiet)
mkdir -p "$work/data"
row() { echo "$1,$2,20.5,50,1000,3.5"; }
header="ts,sensor_id,temperature,humidity,pressure,battery"
# Five readings of one sensor-hour: enough for a block in the blocks layout.
{ echo "$header"; for m in 00 10 20 30 40; do row "2024-06-01T10:$m:00Z" s1; done; echo "bad,s1,1,,,"; } >"$work/data/a2024.csv"
{ echo "$header"; row 2025-03-01T00:00:00Z s1; row 2025-03-01T01:00:00Z s2; } >"$work/data/b2025.csv"
{ echo "$header"; row 2025-12-31T23:30:00Z s1; row 2026-01-01T00:30:00Z s1; echo "bad,s1,1,,,"; } >"$work/data/c_straddle.csv"
{ echo "$header"; row 2026-02-01T00:00:00Z s2; } >"$work/data/d2026.csv"
run_sluice ingest "$work/data" --schema "$schema" "${opts[@]}"
expect_eq "$rc" 0 "load four files over 2024-2026"
check_aggregates_match_readings

snapshot() { sql "SELECT (SELECT count(*) FROM \"$schema\".readings) || '/' || (SELECT sum(rows) FROM \"$schema\".sensor_hourly) || '/' || (SELECT count(*) FROM \"$schema\".rejects) || '/' || (SELECT string_agg(status, ',' ORDER BY uri) FROM \"$schema\".files)"; }
before=$(snapshot)
sluice retention --before 2026-01-01 --schema "$schema" >"$work/dry.txt"
cat "$work/dry.txt"
grep -q "would drop the years before 2026" "$work/dry.txt" || fail "the dry run does not say what it would drop"
grep -q "2024: 5 readings" "$work/dry.txt" || fail "the dry run does not count 2024's readings"
grep -q "2025: 3 readings" "$work/dry.txt" || fail "the dry run does not count 2025's readings"
grep -q "2 files would become expired" "$work/dry.txt" || fail "the dry run does not count the files to expire"
grep -q "1 files have rows on both sides" "$work/dry.txt" || fail "the dry run does not report the straddling file"
grep -q "add --yes" "$work/dry.txt" || fail "the dry run does not say how to drop"
expect_eq "$(snapshot)" "$before" "a dry run changes nothing"

sluice retention --before 2026-01-01 --schema "$schema" --yes >"$work/apply.txt"
cat "$work/apply.txt"
grep -q "dropped the years before 2026" "$work/apply.txt" || fail "retention does not say what it dropped"
expect_eq "$(sql "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relname ~ '_(2024|2025)$'")" \
  0 "the 2024 and 2025 partitions of readings and file_hourly are gone"
expect_eq "$(sql "SELECT string_agg(status, ',' ORDER BY uri) FROM \"$schema\".files")" "expired,expired,loaded,loaded" \
  "the 2024 and 2025 files are expired tombstones; the straddling one stays loaded"
expect_eq "$(sql "SELECT string_agg(coalesce(lower(hours) >= '2026-01-01', false)::text, ',' ORDER BY uri) FROM \"$schema\".files")" \
  "false,false,true,true" "the expired rows keep no hours; the loaded ones keep their hours from 2026 on"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".rejects r JOIN \"$schema\".files f USING (file_id) WHERE f.uri LIKE '%a2024.csv'")" \
  0 "the expired file's rejects are gone"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".rejects")" 1 "the straddling file keeps its reject"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 2 "readings of 2026 stay"
check_aggregates_match_readings
after=$(snapshot)

# A later listing, even of a touched (changed) expired file, is skipped and does not bring old data back.
touch -d '2030-01-01' "$work/data/a2024.csv"
run_sluice ingest "$work/data" --schema "$schema" "${opts[@]}" --summary-json "$work/again.json"
expect_eq "$rc" 0 "a run listing expired files"
expect_eq "$(json "$work/again.json" 'd["files"]["loaded"]')" 0 "nothing loaded"
expect_eq "$(json "$work/again.json" 'd["files"]["skipped"]')" 4 "expired and loaded files skipped"
expect_eq "$(snapshot)" "$after" "nothing changed: no old rows, no doubled aggregate"
expect_eq "$(sql "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relname ~ '_2024$'")" \
  0 "no 2024 partition recreated"

# --force reloads an expired file, once.
run_sluice ingest "$work/data/a2024.csv" --schema "$schema" "${opts[@]}" --force --summary-json "$work/force.json"
expect_eq "$(json "$work/force.json" 'd["files"]["loaded"]')" 1 "--force reloads the expired file"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings WHERE ts < '2025-01-01'")" 5 "its rows are back, once"
expect_eq "$(sql "SELECT status FROM \"$schema\".files WHERE uri LIKE '%a2024.csv' AND status IN ('loaded', 'expired')")" \
  loaded "its current row"
check_aggregates_match_readings

# A date inside a year keeps that whole year; a bad date is a usage error.
sluice retention --before 2026-06-30 --schema "$schema" >"$work/mid.txt"
grep -q "would drop the years before 2026" "$work/mid.txt" || fail "a mid-year date keeps its year"
run_sluice retention --before 2026-13-01 --schema "$schema" >/dev/null 2>&1
expect_eq "$rc" 2 "a bad date"
