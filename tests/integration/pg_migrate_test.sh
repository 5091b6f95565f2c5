# A database made by the previous release (sluice 0.1.0's `schema init` and `ingest`, kept as a dump in
# tests/fixtures/v1_database.sql) is refused by ingest with a clear exit 2, migrated by `sluice schema migrate`
# without losing a row, and then loaded into: unchanged files are replaced once (no doubled rows), new files
# append, the old failed file is retried. A version-2 database (before the ledger's `sequencer` column) is
# migrated to 3 the same way, and every migrated ledger has the columns a fresh one has.
source "$(dirname "$0")/lib.sh"
# The dump's files, recreated at their recorded paths would need /tmp/v1data: instead the uris are moved under
# $work/data, where gen-data writes the same content (it is deterministic).
gen_data "$work/data" --files 3 --rows 300 --sensors 4
printf 'garbage\n' > "$work/data/broken.csv"
sed -e "s/sluice_v1/$schema/g" -e "s#/tmp/v1data#$work/data#g" "$SLUICE_TOP/tests/fixtures/v1_database.sql" |
  psql -qX -v ON_ERROR_STOP=1 >/dev/null
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 299 "rows in the version-1 database"

run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet >/dev/null 2>"$work/err.txt"
expect_eq "$rc" 2 "ingest into a version-1 schema"
grep -q "sluice schema migrate" "$work/err.txt" || fail "the refusal does not say to run sluice schema migrate"

sluice schema migrate --schema "$schema" > "$work/migrate.txt"
cat "$work/migrate.txt"
grep -q "migrated from version 1 to 3" "$work/migrate.txt" || fail "migrate did not report 1 -> 3"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 299 "rows after the migration"
expect_eq "$(sql "SELECT string_agg(status || ':' || attempts, ',' ORDER BY uri) FROM \"$schema\".files")" \
  "failed:1,loaded:0,loaded:0,loaded:0" "ledger states after the migration"
sluice schema migrate --schema "$schema" | grep -q "nothing to do" || fail "a second migrate is not a no-op"

# The same files with new modification times: each a new version, replacing its rows once.
run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet --summary-json "$work/s.json" >/dev/null 2>&1
expect_eq "$rc" 1 "ingest after the migration (broken.csv still fails)"
expect_eq "$(json "$work/s.json" 'd["files"]["replaced"]')" 3 "the three files replaced their version-1 rows"
expect_eq "$(json "$work/s.json" 'd["files"]["failed"]')" 1 "the failed file was retried"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 299 "no doubled row"
check_aggregates_match_readings
gen_data "$work/more" --files 2 --rows 100 --sensors 2 --seed 3
run_sluice ingest "$work/more" --schema "$schema" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 0 "new files load into the migrated schema"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")" 5 "loaded files"
check_aggregates_match_readings

# Version 2 -> 3: a schema of this sluice taken back to version 2 (no sequencer column, no version-3 row),
# with loaded rows in it.
v2="${schema}_v2"
fresh="${schema}_fresh"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$v2\" CASCADE; DROP SCHEMA IF EXISTS \"$fresh\" CASCADE' >/dev/null 2>&1")
run_sluice ingest "$work/more" --schema "$v2" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 0 "load into the schema to take back to version 2"
sql "ALTER TABLE \"$v2\".files DROP COLUMN sequencer; UPDATE \"$v2\".schema_version SET version = 2 WHERE version = 3" >/dev/null
run_sluice ingest "$work/more" --schema "$v2" --progress never --quiet >/dev/null 2>"$work/err2.txt"
expect_eq "$rc" 2 "ingest into a version-2 schema"
grep -q "schema version 2, this sluice needs 3" "$work/err2.txt" || fail "the refusal does not name versions 2 and 3"
sluice schema migrate --schema "$v2" >"$work/migrate2.txt"
grep -q "migrated from version 2 to 3" "$work/migrate2.txt" || fail "migrate did not report 2 -> 3"
expect_eq "$(sql "SELECT count(*) FILTER (WHERE sequencer IS NULL) || '/' || count(*) FROM \"$v2\".files")" "2/2" \
  "ledger rows kept, without a sequencer"
run_sluice ingest "$work/more" --schema "$v2" --progress never --quiet --summary-json "$work/s2.json" >/dev/null 2>&1
expect_eq "$rc" 0 "ingest after the 2 -> 3 migration"
expect_eq "$(json "$work/s2.json" 'd["files"]["skipped"]')" 2 "loaded files stay loaded"
sluice schema init --schema "$fresh" >/dev/null
columns() { sql "SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' ORDER BY column_name) FROM information_schema.columns WHERE table_schema = '$1' AND table_name = 'files'"; }
expect_eq "$(columns "$v2")" "$(columns "$fresh")" "a ledger migrated from 2 has the columns of a fresh one"
expect_eq "$(columns "$schema")" "$(columns "$fresh")" "a ledger migrated from 1 has the columns of a fresh one"
