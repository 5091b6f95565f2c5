# two ingests over overlapping file sets at the same time: each file loaded once, aggregates
# equal to a clean single run (no lost update, no deadlock left unretried).
source "$(dirname "$0")/lib.sh"
gen_data "$work/all" --files 12 --rows 360000 --sensors 8
mkdir -p "$work/a" "$work/b"
i=0
for f in $(find "$work/all" -name '*.csv' | sort); do
  [ $i -lt 8 ] && ln -s "$f" "$work/a/$(basename "$(dirname "$f")")_$(basename "$f")"
  [ $i -ge 4 ] && ln -s "$f" "$work/b/$(basename "$(dirname "$f")")_$(basename "$f")"
  i=$((i + 1))
done
clean="${schema}_clean"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$clean\" CASCADE' >/dev/null 2>&1")
run_sluice ingest "$work/all" --schema "$clean" --progress never --quiet >/dev/null
expect_eq "$rc" 0 "clean run"

# The symlinks have their own uris: load the real paths through file lists so both runs name the same files.
list_a=$(for l in "$work"/a/*; do readlink -f "$l"; done)
list_b=$(for l in "$work"/b/*; do readlink -f "$l"; done)
sluice schema init --schema "$schema" >/dev/null
"$SLUICE_BIN" ingest $list_a --schema "$schema" --unit-bytes 1 --progress never --quiet --summary-json "$work/a.json" >/dev/null &
pa=$!
"$SLUICE_BIN" ingest $list_b --schema "$schema" --unit-bytes 1 --progress never --quiet --summary-json "$work/b.json" >/dev/null &
pb=$!
set +e; wait $pa; ra=$?; wait $pb; rb=$?; set -e
expect_eq "$ra,$rb" "0,0" "exit codes of the two concurrent runs"
expect_eq "$(( $(json "$work/a.json" 'd["files"]["loaded"]') + $(json "$work/b.json" 'd["files"]["loaded"]') ))" 12 "files loaded by both runs together"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files")" 12 "ledger rows"
expect_eq "$(sql "SELECT count(DISTINCT file_id) FROM \"$schema\".readings")" 12 "files with rows"
fingerprint "$clean" | grep -v '^files' > "$work/clean.txt"
fingerprint "$schema" | grep -v '^files' > "$work/both.txt"
expect_eq "$(diff "$work/clean.txt" "$work/both.txt" && echo same)" same "readings, rejects, sensor_hourly vs the clean run"
check_aggregates_match_readings
