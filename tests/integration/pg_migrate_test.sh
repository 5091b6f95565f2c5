# A database made by the previous release (sluice 0.1.0's `schema init` and `ingest`, kept as a dump in
# tests/fixtures/v1_database.sql) is refused by ingest with a clear exit 2, migrated by `sluice schema migrate`
# without losing a row, and then loaded into: unchanged files are replaced once (no doubled rows), new files
# append, the old failed file is retried. A version-2 database (before the ledger's `sequencer` column) is
# migrated to 3 the same way, and every migrated ledger has the columns a fresh one has.
source "$(dirname "$0")/lib.sh"
current=$(sed -n 's/.*kSchemaVersion = \([0-9]*\);.*/\1/p' "$SLUICE_TOP/lib/load/schema.hpp")
# The dump's files, recreated at their recorded paths would need /tmp/v1data: instead the uris are moved under
# $work/data, where gen-data writes the same content (it is deterministic).
gen_data "$work/data" --files 3 --rows 300 --sensors 4
printf 'garbage\n' > "$work/data/broken.csv"
sed -e "s/sluice_v1/$schema/g" -e "s#/tmp/v1data#$work/data#g" "$SLUICE_TOP/tests/fixtures/v1_database.sql" |
  psql -qX -v ON_ERROR_STOP=1 >/dev/null
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 299 "rows in the version-1 database"
hourly_totals() { sql "SELECT count(*) || '/' || sum(rows) || '/' || sum(temperature_count) || '/' || sum(battery_count) || '/' || round(sum(temperature_sum)::numeric, 6) FROM \"$1\".sensor_hourly"; }
v1_hourly=$(hourly_totals "$schema")
# A copy whose readings of one day were dropped outside sluice: its aggregates must survive the migration.
orphans="${schema}_orphans"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$orphans\" CASCADE' >/dev/null 2>&1")
sed -e "s/sluice_v1/$orphans/g" -e "s#/tmp/v1data#$work/data#g" "$SLUICE_TOP/tests/fixtures/v1_database.sql" |
  psql -qX -v ON_ERROR_STOP=1 >/dev/null
sql "DELETE FROM \"$orphans\".readings WHERE ts < '2025-12-28 12:00'"

run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet >/dev/null 2>"$work/err.txt"
expect_eq "$rc" 2 "ingest into a version-1 schema"
grep -q "sluice schema migrate" "$work/err.txt" || fail "the refusal does not say to run sluice schema migrate"

sluice schema migrate --schema "$schema" > "$work/migrate.txt"
cat "$work/migrate.txt"
grep -q "migrated from version 1 to $current" "$work/migrate.txt" || fail "migrate did not report 1 -> $current"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 299 "rows after the migration"
expect_eq "$(hourly_totals "$schema")" "$v1_hourly" "sensor_hourly (now a view over file_hourly) after the migration"
check_aggregates_match_readings
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".file_hourly WHERE file_id = 0")" 0 "every contribution has its file"
sluice schema migrate --schema "$orphans" >/dev/null
expect_eq "$(hourly_totals "$orphans")" "$v1_hourly" "aggregates whose readings were dropped survive the migration"
[ "$(sql "SELECT count(*) FROM \"$orphans\".file_hourly WHERE file_id = 0")" -gt 0 ] || fail "no contribution of file 0"
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

# Version 2 -> current: a schema of this sluice taken back to version 2 (no sequencer column, no version-3 row),
# with loaded rows in it.
v2="${schema}_v2"
fresh="${schema}_fresh"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$v2\" CASCADE; DROP SCHEMA IF EXISTS \"$fresh\" CASCADE' >/dev/null 2>&1")
run_sluice ingest "$work/more" --schema "$v2" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 0 "load into the schema to take back to version 2"
# Version 2 also had sensor_hourly as a table of float8 sums and no file_hourly.
measures=""
for m in temperature humidity pressure battery; do measures+=", ${m}_count, ${m}_min, ${m}_max, ${m}_sum::float8 AS ${m}_sum"; done
sql "ALTER TABLE \"$v2\".files DROP COLUMN sequencer;
  CREATE TABLE \"$v2\".hourly_v2 AS SELECT sensor_id, hour, rows$measures FROM \"$v2\".sensor_hourly;
  DROP VIEW \"$v2\".sensor_hourly; DROP TABLE \"$v2\".file_hourly;
  ALTER TABLE \"$v2\".hourly_v2 RENAME TO sensor_hourly; ALTER TABLE \"$v2\".sensor_hourly ADD PRIMARY KEY (sensor_id, hour);
  UPDATE \"$v2\".schema_version SET version = 2 WHERE version = $current" >/dev/null
run_sluice ingest "$work/more" --schema "$v2" --progress never --quiet >/dev/null 2>"$work/err2.txt"
expect_eq "$rc" 2 "ingest into a version-2 schema"
grep -q "schema version 2, this sluice needs $current" "$work/err2.txt" || fail "the refusal does not name versions 2 and $current"
sluice schema migrate --schema "$v2" >"$work/migrate2.txt"
grep -q "migrated from version 2 to $current" "$work/migrate2.txt" || fail "migrate did not report 2 -> $current"
check_aggregates_match_readings "$v2"
expect_eq "$(sql "SELECT count(*) FILTER (WHERE sequencer IS NULL) || '/' || count(*) FROM \"$v2\".files")" "2/2" \
  "ledger rows kept, without a sequencer"
run_sluice ingest "$work/more" --schema "$v2" --progress never --quiet --summary-json "$work/s2.json" >/dev/null 2>&1
expect_eq "$rc" 0 "ingest after the 2 -> $current migration"
expect_eq "$(json "$work/s2.json" 'd["files"]["skipped"]')" 2 "loaded files stay loaded"
sluice schema init --schema "$fresh" >/dev/null
columns() { sql "SELECT string_agg(column_name || ' ' || data_type || ' ' || is_nullable, ', ' ORDER BY column_name) FROM information_schema.columns WHERE table_schema = '$1' AND table_name = 'files'"; }
expect_eq "$(columns "$v2")" "$(columns "$fresh")" "a ledger migrated from 2 has the columns of a fresh one"
expect_eq "$(columns "$schema")" "$(columns "$fresh")" "a ledger migrated from 1 has the columns of a fresh one"

# A bytea of 16-bit codes (value + 32768, big-endian, 0 for NULL) as the elements of an array, each with $2 after.
decode16() {
  echo "ARRAY(SELECT (nullif(get_byte(\"$1\", 2 * k) << 8 | get_byte(\"$1\", 2 * k + 1), 0) - 32768)${2:-} FROM generate_series(0, octet_length(\"$1\") / 2 - 1) k ORDER BY k)"
}
readings_md5() { sql "SELECT count(*) || '/' || md5(string_agg(r::text, '|' ORDER BY r::text)) FROM \"$1\".readings r"; }
# The same without file ids, which a replaced file's readings change.
readings_content_md5() {
  sql "SELECT count(*) || '/' || md5(string_agg(x, '|' ORDER BY x)) FROM (SELECT concat_ws(',', ts, sensor_id,
         temperature, humidity, pressure, battery) AS x FROM \"$1\".readings) r"
}
# SQL taking the blocks of schema $1 out of the 16-bit codes: the offsets into column $2 (each with $3 after), each
# measure's values into "<m>:$4" (with $5 after) and its divisor into "<m>:div"; the view, function and code columns
# dropped, and with $6 = yes the int2 array columns too. (A float column's codes end in their scale byte, which
# decode16 leaves out: it reads whole pairs.)
codes_back() {
  local out="DROP VIEW \"$1\".readings CASCADE; UPDATE \"$1\".blocks SET \"$2\" = $(decode16 ts:s16 "$3") WHERE \"ts:s16\" IS NOT NULL"
  local drop="DROP COLUMN \"ts:s16\""
  [ "$6" = no ] || drop+=", DROP COLUMN \"ts:s\""
  for m in temperature humidity pressure battery; do
    # The divisor that version 9 leaves out, from the scale byte after the codes.
    out+="; UPDATE \"$1\".blocks SET \"$m:$4\" = $(decode16 "$m:i16" "$5"), \"$m:div\" = coalesce(\"$m:div\",
      power(10::double precision, get_byte(\"$m:i16\", octet_length(\"$m:i16\") - 1))) WHERE \"$m:i16\" IS NOT NULL"
    drop+=", DROP COLUMN \"$m:i16\""
    [ "$6" = no ] || drop+=", DROP COLUMN \"$m:i2\""
  done
  echo "$out; ALTER TABLE \"$1\".blocks $drop"
}
# Ingest refuses schema $1 at version $2; `sluice schema migrate` takes it to the current version, and its readings are then $3
# (what they were before the schema was taken back).
refused_then_migrated() {
  run_sluice ingest "$work/v4data" --schema "$1" --progress never --quiet >/dev/null 2>"$work/err$2.txt"
  expect_eq "$rc" 2 "ingest into a version-$2 schema"
  grep -q "schema version $2, this sluice needs $current" "$work/err$2.txt" ||
    fail "the refusal does not name versions $2 and $current"
  sluice schema migrate --schema "$1" >"$work/migrate$2.txt"
  grep -q "migrated from version $2 to $current" "$work/migrate$2.txt" || fail "migrate did not report $2 -> $current"
  expect_eq "$(readings_md5 "$1")" "$3" "every reading unchanged by the $2 -> $current migration"
}
# The files of $work/later load into schema $1, migrated from version $2, with aggregates that match; $later then
# selects their blocks (an SQL condition to append).
later_files_load() {
  run_sluice ingest "$work/later" --schema "$1" --progress never --quiet >/dev/null 2>&1
  expect_eq "$rc" 0 "new files load into the schema migrated from $2"
  check_aggregates_match_readings "$1"
  later=" AND file_id IN (SELECT file_id FROM \"$1\".files WHERE uri LIKE '%/later/%')"
}
# New files load into schema $1, migrated from version $2, with aggregates that match; in the blocks layout their
# blocks hold 16-bit codes.
new_files_after_migration() {
  later_files_load "$1" "$2"
  if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
    expect_eq "$(sql "SELECT count(DISTINCT file_id) FROM \"$1\".blocks WHERE \"ts:s16\" IS NOT NULL")" 2 \
      "the new files' blocks in 16-bit codes"
  fi
}
# Schema $1 of this sluice, loaded with $work/v4data, to be taken back to version $2: its readings and aggregates
# as they are now, in $before and $hourly_before.
load_to_take_back() {
  cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$1\" CASCADE' >/dev/null 2>&1")
  run_sluice ingest "$work/v4data" --schema "$1" --progress never --quiet >/dev/null 2>&1
  expect_eq "$rc" 0 "load into the schema to take back to version $2"
  before=$(readings_md5 "$1")
  hourly_before=$(hourly_totals "$1")
}
gen_data "$work/v4data" --files 2 --rows 4000 --sensors 2 --seed 5  # ~40 readings a sensor-hour: blocks
gen_data "$work/later" --files 2 --rows 4000 --sensors 2 --seed 6

# Version 4 -> current: blocks gain 16-bit forms (ts offsets in seconds, scaled values), in added columns, and ANALYZE
# skips arrays, codes and the contributions' counts and bounds. A schema of this sluice taken back to version 4 (in
# the blocks layout: its blocks of codes rewritten in the int4 forms; the code and int2 columns, view and function
# dropped) is migrated without a reading changing, then takes new files in the 16-bit forms.
v4="${schema}_v4"
load_to_take_back "$v4" 4
statistics_off() {  # columns of partitions of $1 whose ANALYZE statistics are off
  sql "SELECT count(*) FROM pg_inherits i JOIN pg_attribute a ON a.attrelid = i.inhrelid
       WHERE i.inhparent = '\"$v4\".$1'::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attstattarget = 0"
}
partitions() { sql "SELECT count(*) FROM pg_inherits WHERE inhparent = '\"$v4\".$1'::regclass"; }
back="ALTER TABLE \"$v4\".file_hourly ALTER COLUMN rows SET STATISTICS -1"
for m in temperature humidity pressure battery; do
  for a in count min max sum; do back+=", ALTER COLUMN ${m}_$a SET STATISTICS -1"; done
done
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  [ "$(sql "SELECT count(*) FROM \"$v4\".blocks WHERE \"ts:s16\" IS NOT NULL AND \"temperature:i16\" IS NOT NULL")" -gt 0 ] ||
    fail "no block of codes to take back"
  back+="; $(codes_back "$v4" ts:ms ' * 1000' int '' yes)"
  for c in ts:ms ts:us temperature:int temperature:f8; do back+="; ALTER TABLE \"$v4\".blocks ALTER COLUMN \"$c\" SET STATISTICS -1"; done
fi
sql "$back; UPDATE \"$v4\".schema_version SET version = 4 WHERE version = $current" >/dev/null
expect_eq "$(statistics_off file_hourly)" 0 "version 4: statistics of every contribution column"
refused_then_migrated "$v4" 4 "$before"
expect_eq "$(statistics_off file_hourly)" "$(( 17 * $(partitions file_hourly) ))" \
  "contribution partitions: no statistics for rows and each measure's count, min, max, sum"
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  held=$(sql "SELECT count(*) FROM pg_inherits i JOIN pg_attribute a ON a.attrelid = i.inhrelid
              WHERE i.inhparent = '\"$v4\".blocks'::regclass AND a.attnum > 0 AND NOT a.attisdropped
                AND (format_type(a.atttypid, NULL) LIKE '%[]' OR a.atttypid = 'bytea'::regtype) AND a.attstorage = 'm'")
  expect_eq "$held" "$(( 21 * $(partitions blocks) ))" \
    "every array, code and packed-aggregate column of every blocks partition, the added ones too, inline"
  expect_eq "$(statistics_off blocks)" "$(( held + 17 * $(partitions blocks) ))" \
    "no statistics for any array or code column, nor the carried aggregates' counts, bounds and sums"
  expect_eq "$(sql "SELECT count(*) FROM \"$v4\".readings_between('-infinity', 'infinity')")" "${before%%/*}" \
    "readings_between is back"
fi
new_files_after_migration "$v4" 4

# Version 5 -> current: the 16-bit forms move from int2 arrays to bytea of codes. A schema of this sluice taken back to
# version 5 (blocks: codes rewritten as int2 arrays; the code columns, view and function dropped) gives the same
# readings once migrated, its int2 arrays as they were, and takes new files as codes.
v5="${schema}_v5"
load_to_take_back "$v5" 5
back="UPDATE \"$v5\".schema_version SET version = 5 WHERE version = $current"
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  back+="; $(codes_back "$v5" ts:s ::smallint i2 ::smallint no)"
fi
sql "$back" >/dev/null
int2_blocks() { sql "SELECT count(*) FILTER (WHERE \"ts:s\" IS NOT NULL) || '/' || count(*) FILTER (WHERE \"temperature:i2\" IS NOT NULL) FROM \"$v5\".blocks"; }
[ "${SLUICE_TEST_LAYOUT:-rows}" = rows ] || int2_before=$(int2_blocks)
refused_then_migrated "$v5" 5 "$before"
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  case "$int2_before" in 0/* | */0) fail "no int2 blocks to migrate: $int2_before" ;; esac
  expect_eq "$(int2_blocks)" "$int2_before" "version 5's int2 blocks stay as they were"
  expect_eq "$(sql "SELECT count(*) FROM \"$v5\".readings_between('-infinity', 'infinity')")" "${before%%/*}" \
    "readings_between decodes the int2 blocks"
fi
new_files_after_migration "$v5" 5

# Version 6 -> 7: file_hourly's (sensor, hour) btree becomes one on the sensor alone. A schema of this sluice taken
# back to version 6 (the old index instead of the new) keeps its readings and aggregates, and ends with the indexes
# a fresh schema has.
v6="${schema}_v6"
load_to_take_back "$v6" 6
sql "DROP INDEX \"$v6\".file_hourly_sensor; CREATE INDEX file_hourly_sensor_hour ON \"$v6\".file_hourly (sensor_id, hour);
  UPDATE \"$v6\".schema_version SET version = 6 WHERE version = $current" >/dev/null
# Each index of file_hourly and of its partitions, the schema's name left out.
hourly_indexes() {
  sql "SELECT string_agg(replace(replace(indexdef, '\"$1\".', ''), '$1.', ''), '; ' ORDER BY indexdef) FROM pg_indexes
       WHERE schemaname = '$1' AND tablename LIKE 'file_hourly%'"
}
case "$(hourly_indexes "$v6")" in *"(sensor_id, hour)"*) ;; *) fail "version 6 has no (sensor, hour) index" ;; esac
refused_then_migrated "$v6" 6 "$before"
expect_eq "$(hourly_totals "$v6")" "$hourly_before" "sensor_hourly unchanged by the 6 -> $current migration"
fresh7="${schema}_fresh7"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$fresh7\" CASCADE' >/dev/null 2>&1")
run_sluice ingest "$work/v4data" --schema "$fresh7" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 0 "load into a fresh schema"
case "$(hourly_indexes "$fresh7")" in
  *"btree (sensor_id)"*) ;;
  *) fail "a fresh file_hourly has no btree on the sensor: $(hourly_indexes "$fresh7")" ;;
esac
expect_eq "$(hourly_indexes "$v6")" "$(hourly_indexes "$fresh7")" "file_hourly's indexes as a fresh schema's"
run_sluice ingest "$work/later" --schema "$v6" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 0 "new files load into the schema migrated from 6"
check_aggregates_match_readings "$v6"

# Version 7 -> 8: a ledger row keeps its file's hours, and (blocks layout) one block of each sensor-hour carries the
# file's aggregate of it instead of a row of file_hourly. A schema of this sluice taken back to version 7 (blocks:
# the carried aggregates moved into file_hourly, their columns and index dropped, sensor_hourly over file_hourly
# alone; the ledger without hours) keeps its readings and aggregates, takes new files with carried aggregates, and
# replaces a file of either version exactly: the old one found through its contributions, the new through its
# ledger row's hours (in the blocks layout it has no contribution in file_hourly at all).
v7="${schema}_v7"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$v7\" CASCADE' >/dev/null 2>&1")
rm -rf "$work/v7data" && cp -r "$work/v4data" "$work/v7data"
run_sluice ingest "$work/v7data" --schema "$v7" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 0 "load into the schema to take back to version 7"
before=$(readings_md5 "$v7")
hourly_before=$(hourly_totals "$v7")
back="ALTER TABLE \"$v7\".files DROP COLUMN hours"
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  [ "$(sql "SELECT count(*) FROM \"$v7\".blocks WHERE \"agg:hour\" IS NOT NULL")" -gt 0 ] || fail "no block carries an aggregate"
  view="" drop="DROP COLUMN \"agg:hour\", DROP COLUMN \"agg:rows\", DROP COLUMN \"agg:packed\""
  for m in temperature humidity pressure battery; do
    view+=", sum(${m}_count)::bigint AS ${m}_count, min(${m}_min) AS ${m}_min, max(${m}_max) AS ${m}_max, sum(${m}_sum) AS ${m}_sum"
    drop+=", DROP COLUMN \"$m:count\", DROP COLUMN \"$m:min\", DROP COLUMN \"$m:max\", DROP COLUMN \"$m:sum\""
  done
  back+="; INSERT INTO \"$v7\".file_hourly SELECT * FROM \"$v7\".carried_hourly;
    CREATE OR REPLACE VIEW \"$v7\".sensor_hourly AS SELECT sensor_id, hour, sum(rows)::bigint AS rows$view
      FROM \"$v7\".file_hourly GROUP BY sensor_id, hour;
    DROP VIEW \"$v7\".carried_hourly;
    ALTER TABLE \"$v7\".blocks $drop"
fi
sql "$back; UPDATE \"$v7\".schema_version SET version = 7 WHERE version = $current" >/dev/null
expect_eq "$(hourly_totals "$v7")" "$hourly_before" "version 7: the same aggregates, all in file_hourly"
refused_then_migrated "$v7" 7 "$before"
expect_eq "$(hourly_totals "$v7")" "$hourly_before" "sensor_hourly unchanged by the 7 -> $current migration"
expect_eq "$(columns "$v7")" "$(columns "$fresh")" "a ledger migrated from 7 has the columns of a fresh one"
expect_eq "$(sql "SELECT count(*) FROM \"$v7\".files WHERE hours IS NOT NULL")" 0 "the files loaded before keep no hours"
# SQL: each index of schema $1's table $2 and its partitions, the schema's name left out.
indexes_sql() {
  echo "(SELECT string_agg(replace(replace(indexdef, '\"$1\".', ''), '$1.', ''), '; ' ORDER BY indexdef) FROM pg_indexes
       WHERE schemaname = '$1' AND tablename LIKE '$2%')"
}
# Each column of blocks, and each index of blocks and its partitions, the schema's name left out.
blocks_shape() {
  sql "SELECT (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attstattarget, ', ' ORDER BY attname)
       FROM pg_attribute WHERE attrelid = '\"$1\".blocks'::regclass AND attnum > 0 AND NOT attisdropped) || '; ' ||
       $(indexes_sql "$1" blocks)"
}
[ "${SLUICE_TEST_LAYOUT:-rows}" = rows ] || expect_eq "$(blocks_shape "$v7")" "$(blocks_shape "$fresh7")" \
  "blocks migrated from 7 have a fresh schema's columns and indexes"
# One file of folder $1 changes (a new mtime, the same content) and is loaded into schema $3 (default $v7) again ($2
# says which file): its readings are replaced once, none lost or doubled, and so are its aggregates.
replace_one_file() {
  local content hourly target=${3:-$v7}
  content=$(readings_content_md5 "$target")
  hourly=$(hourly_totals "$target")
  touch -d '2001-01-01' "$(find "$1" -name '*.csv*' | sort | head -1)"
  run_sluice ingest "$1" --schema "$target" --progress never --quiet --summary-json "$work/replace.json" >/dev/null 2>&1
  expect_eq "$rc" 0 "ingest of $2, changed"
  expect_eq "$(json "$work/replace.json" 'd["files"]["replaced"]')" 1 "$2 replaced its rows"
  expect_eq "$(readings_content_md5 "$target")" "$content" "$2: its readings replaced once, none lost, none doubled"
  expect_eq "$(hourly_totals "$target")" "$hourly" "$2: its aggregates replaced once"
  check_aggregates_match_readings "$target"
}
# A file loaded under version 7 changes: found through its contributions.
replace_one_file "$work/v7data" "a file loaded under version 7"
# New files load with their hours in the ledger (blocks layout: their aggregates carried by their blocks); one of
# them changes and is found again through its hours alone.
rm -rf "$work/later8" && cp -r "$work/later" "$work/later8"
run_sluice ingest "$work/later8" --schema "$v7" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 0 "new files load into the schema migrated from 7"
check_aggregates_match_readings "$v7"
expect_eq "$(sql "SELECT count(*) FROM \"$v7\".files WHERE uri LIKE '%later8%' AND status = 'loaded' AND hours IS NOT NULL")" 2 \
  "the new files' ledger rows keep their hours"
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  expect_eq "$(sql "SELECT count(*) FROM \"$v7\".file_hourly h JOIN \"$v7\".files f USING (file_id) WHERE f.uri LIKE '%later8%'")" 0 \
    "no contribution of the new files in file_hourly: their blocks carry them"
fi
replace_one_file "$work/later8" "a file loaded under version $current (found through its ledger hours)"
expect_eq "$(sql "SELECT count(*) FROM \"$v7\".files WHERE status = 'superseded' AND hours IS NOT NULL")" 0 \
  "a superseded ledger row keeps no hours"

# Version 8 -> 9: a block that carries its sensor-hour's aggregate leaves out (NULL) rows equal to its n and counts
# equal to its rows, which the view carried_hourly reads back; a float column's 16-bit codes end in their scale
# byte instead of a divisor column. A schema of this sluice taken back to version 8 (blocks: every left-out value
# written out, codes without the scale byte and their divisors, carried_hourly dropped, sensor_hourly over the
# blocks' columns as version 8 had it) keeps its readings and aggregates once migrated, and takes new files in the
# short forms.
# SQL writing the packed carried aggregates of schema $1's blocks out into their columns (as version 9 and before
# wrote them), read back through carried_hourly; "agg:packed" then NULL.
unpack() {
  local set=""
  for m in temperature humidity pressure battery; do
    set+="\"$m:min\" = c.${m}_min, \"$m:max\" = c.${m}_max, \"$m:sum\" = c.${m}_sum, "
  done
  echo "UPDATE \"$1\".blocks b SET $set\"agg:packed\" = NULL FROM \"$1\".carried_hourly c
    WHERE b.\"agg:packed\" IS NOT NULL AND c.file_id = b.file_id AND c.sensor_id = b.sensor_id AND c.hour = b.\"agg:hour\""
}
# sensor_hourly, every value as text.
hourly_text() { sql "SELECT count(*) || ' ' || md5(string_agg(h::text, ',' ORDER BY sensor_id, hour)) FROM \"$1\".sensor_hourly h"; }

v8="${schema}_v8"
load_to_take_back "$v8" 8
back="UPDATE \"$v8\".schema_version SET version = 8 WHERE version = $current"
# Carried aggregates with rows and with the temperature's count left out / with the battery's count kept (a NULL
# battery value, which gen-data writes in 0.2% of rows, makes it differ from the rows).
short_forms() {
  sql "SELECT count(*) FILTER (WHERE \"agg:rows\" IS NULL) || '/' || count(*) FILTER (WHERE \"temperature:count\" IS NULL)
       || '/' || count(*) FILTER (WHERE \"battery:count\" IS NOT NULL) FROM \"$1\".blocks WHERE \"agg:hour\" IS NOT NULL${2:-}"
}
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  case "$(short_forms "$v8")" in 0/* | */0/* | */0) fail "not every form of a carried aggregate is there: $(short_forms "$v8")" ;; esac
  codes="" written="\"agg:rows\" = coalesce(\"agg:rows\", n)" carried="sensor_id, \"agg:hour\", \"agg:rows\"" contributed="sensor_id, hour, rows" view=""
  for m in temperature humidity pressure battery; do
    written+=", \"$m:count\" = coalesce(\"$m:count\", \"agg:rows\", n)"
    # Version 8's codes: without the scale byte, the divisor in its column.
    codes+="; UPDATE \"$v8\".blocks SET \"$m:i16\" = substring(\"$m:i16\" FROM 1 FOR octet_length(\"$m:i16\") - 1),
      \"$m:div\" = power(10::double precision, get_byte(\"$m:i16\", octet_length(\"$m:i16\") - 1))
      WHERE \"$m:i16\" IS NOT NULL AND \"$m:div\" IS NULL"
    carried+=", \"$m:count\", \"$m:min\", \"$m:max\", \"$m:sum\""
    contributed+=", ${m}_count, ${m}_min, ${m}_max, ${m}_sum"
    view+=", sum(${m}_count)::bigint AS ${m}_count, min(${m}_min) AS ${m}_min, max(${m}_max) AS ${m}_max, sum(${m}_sum) AS ${m}_sum"
  done
  [ "$(sql "SELECT count(*) FROM \"$v8\".blocks WHERE \"temperature:i16\" IS NOT NULL AND \"temperature:div\" IS NULL")" -gt 0 ] ||
    fail "no block of codes with their scale byte"
  back+="$codes; $(unpack "$v8"); UPDATE \"$v8\".blocks SET $written WHERE \"agg:hour\" IS NOT NULL;
    CREATE OR REPLACE VIEW \"$v8\".sensor_hourly AS SELECT sensor_id, hour, sum(rows)::bigint AS rows$view
      FROM (SELECT $contributed FROM \"$v8\".file_hourly
        UNION ALL SELECT $carried FROM \"$v8\".blocks WHERE \"agg:hour\" IS NOT NULL) c
      GROUP BY sensor_id, hour;
    DROP VIEW \"$v8\".carried_hourly;
    ALTER TABLE \"$v8\".blocks DROP COLUMN \"agg:packed\""
fi
sql "$back" >/dev/null
[ "${SLUICE_TEST_LAYOUT:-rows}" = rows ] || expect_eq "$(short_forms "$v8")" "0/0/$(sql "SELECT count(*) FROM \"$v8\".blocks WHERE \"agg:hour\" IS NOT NULL")" \
  "version 8: every carried aggregate written out"
expect_eq "$(hourly_totals "$v8")" "$hourly_before" "version 8: the same aggregates"
refused_then_migrated "$v8" 8 "$before"
expect_eq "$(hourly_totals "$v8")" "$hourly_before" "sensor_hourly unchanged by the 8 -> $current migration"
later_files_load "$v8" 8
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  case "$(short_forms "$v8" "$later")" in 0/* | */0/*) fail "the new files' carried aggregates are not in the short form: $(short_forms "$v8" "$later")" ;; esac
  expect_eq "$(sql "SELECT count(*) FROM \"$v8\".blocks WHERE \"temperature:div\" IS NOT NULL$later")" 0 \
    "the new files' codes carry their scale (no divisor)"
  expect_eq "$(sql "SELECT count(*) FROM \"$v8\".blocks WHERE \"temperature:div\" IS NOT NULL AND \"temperature:i16\" IS NOT NULL")" \
    "$(sql "SELECT count(*) FROM \"$v8\".blocks WHERE \"temperature:i16\" IS NOT NULL AND file_id NOT IN (SELECT file_id FROM \"$v8\".files WHERE uri LIKE '%/later/%')")" \
    "the blocks written under version 8 keep their divisors"
fi

# Version 9 -> 10: a block that carries its sensor-hour's aggregate packs the float measures' min, max and sum into
# "agg:packed" (their columns NULL), which carried_hourly decodes. A schema of this sluice taken back to version 9
# (blocks: every packed aggregate written out into its columns, as version 9 wrote them) keeps every sensor_hourly
# value, text for text, once migrated; new files' aggregates are packed, the old ones stay in their columns.
v9="${schema}_v9"
load_to_take_back "$v9" 9
hourly_text_before=$(hourly_text "$v9")
back="UPDATE \"$v9\".schema_version SET version = 9 WHERE version = $current"
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  [ "$(sql "SELECT count(*) FROM \"$v9\".blocks WHERE \"agg:packed\" IS NOT NULL")" -gt 0 ] || fail "no packed aggregate to take back"
  back+="; $(unpack "$v9")"
fi
sql "$back" >/dev/null
packed_count() { sql "SELECT count(*) FILTER (WHERE \"agg:packed\" IS NOT NULL) || '/' || count(*) FROM \"$v9\".blocks WHERE \"agg:hour\" IS NOT NULL$1"; }
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  case "$(packed_count)" in 0/0 | [1-9]*) fail "version 9: aggregates still packed, or none carried: $(packed_count)" ;; esac
fi
expect_eq "$(hourly_text "$v9")" "$hourly_text_before" "version 9: the same sensor_hourly, value for value"
refused_then_migrated "$v9" 9 "$before"
expect_eq "$(hourly_text "$v9")" "$hourly_text_before" "sensor_hourly unchanged by the 9 -> $current migration"
later_files_load "$v9" 9
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  case "$(packed_count "$later")" in 0/* | */0) fail "the new files' aggregates are not packed: $(packed_count "$later")" ;; esac
  case "$(packed_count " AND file_id NOT IN (SELECT file_id FROM \"$v9\".files WHERE uri LIKE '%/later/%')")" in
    0/[1-9]*) ;;
    *) fail "the aggregates written under version 9 did not stay in their columns" ;;
  esac
fi

# Version 10 -> 11: blocks and loose_readings each have one BRIN over the columns of their former three and two. A
# schema of this sluice taken back to version 10 (blocks: the former indexes instead) keeps its readings and
# aggregates once migrated, has a fresh schema's indexes, and finds a replaced file's blocks through the new one.
v10="${schema}_v10"
load_to_take_back "$v10" 10
back="UPDATE \"$v10\".schema_version SET version = 10 WHERE version = $current"
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  back+="; DROP INDEX \"$v10\".blocks_brin, \"$v10\".loose_readings_brin;
    CREATE INDEX blocks_first_ts_brin ON \"$v10\".blocks USING brin (first_ts) WITH (pages_per_range = 16);
    CREATE INDEX blocks_file_id_brin ON \"$v10\".blocks USING brin (file_id) WITH (pages_per_range = 16);
    CREATE INDEX blocks_agg_brin ON \"$v10\".blocks USING brin (\"agg:hour\", sensor_id text_bloom_ops) WITH (pages_per_range = 16);
    CREATE INDEX loose_readings_ts_brin ON \"$v10\".loose_readings USING brin (ts);
    CREATE INDEX loose_readings_file_id_brin ON \"$v10\".loose_readings USING brin (file_id)"
fi
sql "$back" >/dev/null
loose_indexes() { sql "SELECT $(indexes_sql "$1" loose_readings)"; }
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  partitions=$(sql "SELECT count(*) FROM pg_inherits WHERE inhparent = '\"$v10\".blocks'::regclass")
  expect_eq "$(sql "SELECT count(*) FROM pg_indexes WHERE schemaname = '$v10' AND tablename LIKE 'blocks_%' AND indexdef LIKE '%USING brin (first_ts)%'")" \
    "$partitions" "version 10: each blocks partition has its former indexes"
fi
hourly_text_before=$(hourly_text "$v10")
refused_then_migrated "$v10" 10 "$before"
expect_eq "$(hourly_text "$v10")" "$hourly_text_before" "sensor_hourly unchanged by the 10 -> $current migration"
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  expect_eq "$(blocks_shape "$v10")" "$(blocks_shape "$fresh7")" "blocks migrated from 10 have a fresh schema's columns and indexes"
  expect_eq "$(loose_indexes "$v10")" "$(loose_indexes "$fresh7")" "loose_readings migrated from 10 has a fresh schema's indexes"
  expect_eq "$(sql "SELECT count(*) FROM pg_indexes WHERE schemaname = '$v10' AND tablename LIKE 'blocks%'")" $((partitions + 1)) \
    "one index on blocks and on each of its $partitions partitions"
fi
later_files_load "$v10" 10
# A file loaded before the migration changes: its readings and aggregates are replaced once.
replace_one_file "$work/v4data" "a file loaded under version 10" "$v10"
