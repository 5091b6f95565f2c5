# a file that changed is reloaded, replacing its rows, rejects and aggregate contributions
# (min/max recomputed); --force reloads everything the same way; the result always equals a clean load.
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 4 --rows 40000 --sensors 5
run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet >/dev/null
expect_eq "$rc" 0 "first load"

# Change one file: drop its second half (and with it some sensors' maxima) and add one row.
victim=$(find "$work/data" -name '*.csv' | sort | head -1)
head -n 5000 "$victim" > "$work/v.csv"
echo "2026-06-01T00:00:00Z,site00-s000,149.5,50.0,1000.0,3.3" >> "$work/v.csv"
mv "$work/v.csv" "$victim"
run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet --summary-json "$work/changed.json" >/dev/null
expect_eq "$rc" 0 "load after the change"
expect_eq "$(json "$work/changed.json" 'd["files"]["replaced"]'),$(json "$work/changed.json" 'd["files"]["skipped"]')" "1,3" "replaced,skipped files"
# (one reading in its sensor-hour: in the blocks layout a loose row)
partition=readings_2026
[ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ] && partition=loose_readings_2026
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".$partition WHERE ts = '2026-06-01T00:00:00Z'")" 1 "the new row (and its new partition)"

clean="${schema}_clean"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$clean\" CASCADE' >/dev/null 2>&1")
run_sluice ingest "$work/data" --schema "$clean" --progress never --quiet >/dev/null
fingerprint "$clean" | grep -v '^files' > "$work/clean.txt"
fingerprint "$schema" | grep -v '^files' > "$work/reloaded.txt"
expect_eq "$(diff "$work/clean.txt" "$work/reloaded.txt" && echo same)" same "after a change: same as a clean load"
check_aggregates_match_readings

run_sluice ingest "$work/data" --schema "$schema" --force --progress never --quiet --summary-json "$work/force.json" >/dev/null
expect_eq "$(json "$work/force.json" 'd["files"]["replaced"]')" 4 "files replaced by --force"
fingerprint "$schema" | grep -v '^files' > "$work/forced.txt"
expect_eq "$(diff "$work/clean.txt" "$work/forced.txt" && echo same)" same "after --force: same as a clean load"
check_aggregates_match_readings
