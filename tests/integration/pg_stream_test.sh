# Large files read, parsed and COPYed a piece at a time (--stream-bytes) store exactly what files read whole
# store: the acceptance sample and generated data give the same readings, rejects (lines included), aggregates
# and ledger both ways. And each ledger transition holds midway through a stream: a year first met after the
# first piece (its partitions made, the file read again), a file that fails late (too many rejects, or a row
# PostgreSQL refuses) keeps no row, a rewritten file replaces its rows, a crash mid-COPY leaves nothing and the
# re-run loads it once. A file of more sensor-hours than a stream holds aggregates for writes them out along the way
# and still adds up to what it gives read whole.
# As pg_stream_test_blocks (SLUICE_TEST_LAYOUT=blocks) the same holds for blocks, which a streamed file writes out
# whenever the readings gathered for them reach --stream-bytes (here 1: after every piece), and for the loose
# readings, which go out at the end.
source "$(dirname "$0")/lib.sh"
blocks=0
[ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ] && blocks=1
opts=(--progress never --quiet)
drop_later() { cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$1\" CASCADE' >/dev/null 2>&1"); }

# 1. Same outcome streamed (every file, --stream-bytes 1) as read whole, on the acceptance sample (plain and
# gzip: CRLF, BOM, quotes, every reject code, broken files) and on generated files of 60,000 rows (plain, gzip and
# zstd, decompressed on the way), plus truncated gzip and zstd files.
sample="$SLUICE_TOP/../shared/acceptance/sensor_sample.py"
[ -f "$sample" ] || sample="$SLUICE_TOP/tests/acceptance/sensor_sample.py"
python3 "$sample" "$work/sample" >/dev/null
python3 "$sample" "$work/sample_gz" --gz >/dev/null
gen_data "$work/generated" --files 3 --rows 180000 --sensors 30 --days 2 --seed 7 --compress mixed
head -c 20000 "$(find "$work/generated" -name '*.gz' | head -1)" >"$work/generated/truncated.csv.gz"
head -c 20000 "$(find "$work/generated" -name '*.zst' | head -1)" >"$work/generated/truncated.csv.zst"
for set in sample sample_gz generated; do
  for mode in whole streamed; do
    s="${schema}_${set}_$mode"
    drop_later "$s"
    run_sluice ingest "$work/$set" --schema "$s" --stream-bytes "$([ $mode = streamed ] && echo 1 || echo 0)" \
      "${opts[@]}" --summary-json "$work/$set-$mode.json"
    echo "$rc" >"$work/$set-$mode.rc"
  done
  expect_eq "$(cat "$work/$set-streamed.rc")" "$(cat "$work/$set-whole.rc")" "$set: exit code streamed"
  expect_eq "$(fingerprint "${schema}_${set}_streamed")" "$(fingerprint "${schema}_${set}_whole")" \
    "$set: readings, rejects, aggregates and ledger streamed as read whole"
  expect_eq "$(json "$work/$set-streamed.json" 'd["rows"]["loaded"], d["rows"]["rejected"], d["files"]')" \
    "$(json "$work/$set-whole.json" 'd["rows"]["loaded"], d["rows"]["rejected"], d["files"]')" "$set: the summary's counts"
done
expect_eq "$(sql "SELECT count(*) FROM \"${schema}_generated_streamed\".files WHERE uri LIKE '%/truncated.csv.%' AND status = 'failed' AND error LIKE '%truncated%'")" \
  2 "truncated gzip and zstd files fail, streamed"
expect_eq "$(sql "SELECT count(*) FROM \"${schema}_sample_whole\".readings")" "$(json "$work/sample/expected.json" 'd["valid"]')" \
  "the sample's valid rows"
# The dry run streams too, and counts the same.
run_sluice ingest "$work/generated" --dry-run --stream-bytes 1 "${opts[@]}" --summary-json "$work/dry.json"
expect_eq "$(json "$work/dry.json" 'd["rows"]["loaded"], d["rows"]["rejected"]')" \
  "$(json "$work/generated-whole.json" 'd["rows"]["loaded"], d["rows"]["rejected"]')" "the dry run's counts"

header='ts,sensor_id,temperature,humidity,pressure,battery'
# Rows of one year: ~3 MB, so three pieces or more.
rows_of() {  # year count sensor
  python3 -c "import sys
y, n, s = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
for i in range(n):
    print(f'{y}-03-{1 + i // 86400 % 28:02d}T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}Z,{s},{20 + i % 7},50,1000,3.5')" "$@"
}
opts+=(--schema "$schema" --stream-bytes 1)

# 2. Years met only after the first piece: the transaction is rolled back, their partitions are made, and the
# file is read again; it loads once.
mkdir -p "$work/years"
{ echo "$header"; rows_of 2025 60000 s1; rows_of 2031 5 s1; rows_of 2032 5 s2; } >"$work/years/late.csv"
# (Without --quiet, for the log line that says so.)
run_sluice ingest "$work/years" --progress never --schema "$schema" --stream-bytes 1 \
  --summary-json "$work/years.json" 2>"$work/years.log"
expect_eq "$rc" 0 "late years: exit code"
expect_eq "$(grep -c 'reached year(s) 2031, 2032 mid-file.*reading the file again' "$work/years.log")" 1 \
  "late years: read again once (both in its last piece)"
expect_eq "$(sql "SELECT string_agg(extract(year FROM ts)::int || ':' || n, ',' ORDER BY ts) FROM (SELECT date_trunc('year', ts) ts, count(*) n FROM \"$schema\".readings GROUP BY 1) y")" \
  "2025:60000,2031:5,2032:5" "late years: rows per year"
prefix=$([ $blocks = 1 ] && echo blocks || echo readings)
expect_eq "$(sql "SELECT count(*) FROM pg_tables WHERE schemaname = '$schema' AND tablename IN ('${prefix}_2031', '${prefix}_2032')")" 2 \
  "late years: their partitions"
expect_eq "$(sql "SELECT rows_loaded || '/' || status FROM \"$schema\".files")" "60010/loaded" "late years: the ledger row"
check_aggregates_match_readings "$schema"

# 2b. Years reached mid-file whose partitions exist (made ahead by schema init): the run knows them from its first
# look at the partitions, so the file is read once (a day's file across New Year, or a backfill of several years,
# was rolled back and read again at each year it had not met yet).
run_sluice schema init --schema "$schema" --years 2027,2028
mkdir -p "$work/new_year"
{ echo "$header"; rows_of 2026 60000 s_new_year; rows_of 2027 30000 s_new_year; rows_of 2028 5 s_new_year; } \
  >"$work/new_year/across.csv"
run_sluice ingest "$work/new_year" --progress never --schema "$schema" --stream-bytes 1 2>"$work/new_year.log"
expect_eq "$rc" 0 "across New Year: exit code"
expect_eq "$(grep -c 'reading the file again' "$work/new_year.log")" 0 "across New Year: read once"
expect_eq "$(sql "SELECT string_agg(y || ':' || n, ',' ORDER BY y) FROM (SELECT extract(year FROM ts)::int y, count(*) n FROM \"$schema\".readings WHERE sensor_id = 's_new_year' GROUP BY 1) t")" \
  "2026:60000,2027:30000,2028:5" "across New Year: rows per year"
check_aggregates_match_readings "$schema"

# 3. A file that fails late: too many rejects after the first pieces, and a row PostgreSQL refuses after them.
# Neither keeps a row; the other file of the run loads; the run exits 1.
mkdir -p "$work/late_fail"
{ echo "$header"; rows_of 2026 60000 s3; for i in 1 2 3; do echo "bad,s3,1,,,"; done; } >"$work/late_fail/rejects.csv"
{ echo "$header"; rows_of 2026 60000 s4; echo "2026-06-01T00:00:00Z,s4,99,50,1000,3.5"; } >"$work/late_fail/refused.csv"
{ echo "$header"; rows_of 2026 10 s5; } >"$work/late_fail/fine.csv"
# Blocks layout: the blocks of s4's second half-day are refused, and they go out with a later piece than the
# first.
if [ $blocks = 1 ]; then
  refusing="blocks" check="sensor_id <> 's4' OR first_ts < '2026-03-01 12:00:00+00'"
else
  refusing="readings" check="temperature < 90"
fi
sql "ALTER TABLE \"$schema\".$refusing ADD CONSTRAINT late_row_refused CHECK ($check)"
run_sluice ingest "$work/late_fail" "${opts[@]}" --max-rejects-per-file 2 --summary-json "$work/late_fail.json"
expect_eq "$rc" 1 "late failures: exit code"
expect_eq "$(sql "SELECT string_agg(regexp_replace(uri, '.*/', '') || ':' || status, ',' ORDER BY uri) FROM \"$schema\".files WHERE uri LIKE '%/late_fail/%'")" \
  "fine.csv:loaded,refused.csv:failed,rejects.csv:failed" "late failures: the ledger"
error=$(sql "SELECT error FROM \"$schema\".files WHERE uri LIKE '%/refused.csv'")
[[ "$error" == *"SQLSTATE 23514"* && "$error" == *"late_row_refused"* ]] || fail "refused.csv's reason: $error"
error=$(sql "SELECT error FROM \"$schema\".files WHERE uri LIKE '%/rejects.csv'")
[[ "$error" == *"--max-rejects-per-file"* ]] || fail "rejects.csv's reason: $error"
expect_eq "$(sql "SELECT string_agg(sensor_id || ':' || n, ',' ORDER BY sensor_id) FROM (SELECT sensor_id, count(*) n FROM \"$schema\".readings WHERE sensor_id IN ('s3', 's4', 's5') GROUP BY 1) r")" \
  "s5:10" "late failures: no row of the failed files"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".rejects r JOIN \"$schema\".files f USING (file_id) WHERE f.uri LIKE '%/late_fail/%'")" 0 \
  "late failures: no reject of the failed files"
sql "ALTER TABLE \"$schema\".$refusing DROP CONSTRAINT late_row_refused"

# 4. A streamed file rewritten with other rows replaces its rows exactly.
mkdir -p "$work/replace"
{ echo "$header"; rows_of 2027 60000 s6; } >"$work/replace/f.csv"
run_sluice ingest "$work/replace" "${opts[@]}"
expect_eq "$rc" 0 "replace: first load"
{ echo "$header"; rows_of 2027 70000 s6; } >"$work/replace/f.csv.tmp"
mv "$work/replace/f.csv.tmp" "$work/replace/f.csv"
run_sluice ingest "$work/replace" "${opts[@]}" --summary-json "$work/replace.json"
expect_eq "$rc" 0 "replace: second load"
expect_eq "$(json "$work/replace.json" 'd["files"]["replaced"]')" 1 "replace: counted as a replacement"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings WHERE sensor_id = 's6'")" 70000 "replace: the new rows only"
check_aggregates_match_readings "$schema"

# 5. A crash with the COPY open, after the first piece went out: nothing of the file is stored; the re-run loads it
# once.
mkdir -p "$work/crash"
{ echo "$header"; rows_of 2028 60000 s7; } >"$work/crash/c.csv"
set +e
PGAPPNAME="stream_$schema" SLUICE_FAIL_POINTS=mid-stream "$SLUICE_BIN" ingest "$work/crash" "${opts[@]}" 2>"$work/crash.err"
rc=$?
set -e
expect_eq "$rc" 137 "crash: the fail point ended the run"
backends_gone "stream_$schema"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings WHERE sensor_id = 's7'"),$(sql "SELECT count(*) FROM \"$schema\".files WHERE uri LIKE '%/crash/%'")" \
  "0,0" "crash: no row and no ledger row"
run_sluice ingest "$work/crash" "${opts[@]}"
expect_eq "$rc" 0 "crash: the re-run"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings WHERE sensor_id = 's7'")" 60000 "crash: loaded once"
check_aggregates_match_readings "$schema"
# 6. A file of sparse sensor-hours (one reading each, ~3 MB): in the blocks layout every reading is loose, and the
# loose readings go out as they build up (here after every piece), not all at the end. Loaded once, counted once.
mkdir -p "$work/sparse"
{ echo "$header"; python3 -c "
for i in range(60000):
    print(f'2029-01-{1 + i // 2400 % 28:02d}T{i // 100 % 24:02d}:00:00Z,sparse-{i % 100},{20 + i % 7},50,1000,3.5')"; } >"$work/sparse/s.csv"
run_sluice ingest "$work/sparse" "${opts[@]}" --summary-json "$work/sparse.json"
expect_eq "$rc" 0 "sparse: exit code"
expect_eq "$(json "$work/sparse.json" 'd["rows"]["loaded"]')" 60000 "sparse: the summary's rows"
expect_eq "$(sql "SELECT count(*) || '/' || count(DISTINCT (sensor_id, ts)) FROM \"$schema\".readings WHERE sensor_id LIKE 'sparse-%'")" \
  "60000/60000" "sparse: every reading once"
expect_eq "$(sql "SELECT rows_loaded || '/' || status FROM \"$schema\".files WHERE uri LIKE '%/sparse/%'")" "60000/loaded" "sparse: the ledger row"
if [ $blocks = 1 ]; then
  expect_eq "$(sql "SELECT count(*) FROM \"$schema\".loose_readings WHERE sensor_id LIKE 'sparse-%'")" 60000 "sparse: all loose"
fi
check_aggregates_match_readings "$schema"
# 7. A file of more sensor-hours than a stream holds aggregates for (~116,000): 120,000 sensor-hours, then the first
# 20,000 of them again. Its contributions are written out along the way, so a sensor-hour met again after that gets a
# second one from the same file: sensor_hourly adds them up to what the file read whole gives, and replacing the
# file removes all of them.
mkdir -p "$work/many"
python3 -c "
print('$header')
for i in range(140000):
    k, second = i % 120000, i // 120000
    print(f'2030-01-{1 + k // 24000:02d}T{k // 1000 % 24:02d}:{30 * second:02d}:00Z,agg-{k % 1000},{20 + i % 7},50,1000,3.5')" >"$work/many/m.csv"
for mode in whole streamed; do
  s="${schema}_many_$mode"
  drop_later "$s"
  run_sluice ingest "$work/many" --schema "$s" --stream-bytes "$([ $mode = streamed ] && echo 1 || echo 0)" \
    --progress never --quiet
  expect_eq "$rc" 0 "many sensor-hours, $mode: exit code"
done
streamed="${schema}_many_streamed"
readings_and_ledger() { fingerprint "$1" | grep -v '^hourly'; }
expect_eq "$(readings_and_ledger "$streamed")" "$(readings_and_ledger "${schema}_many_whole")" \
  "many sensor-hours: readings and ledger streamed as read whole"
# The same sums: two contributions' numeric sum can carry a scale that one does not (7.0 against 7).
hourly_values() {
  local sums="trim_scale(temperature_sum), trim_scale(humidity_sum), trim_scale(pressure_sum), trim_scale(battery_sum)"
  sql "SELECT count(*), md5(string_agg(concat_ws('|', sensor_id, hour, rows, temperature_count, temperature_min,
         temperature_max, humidity_count, humidity_min, humidity_max, pressure_count, battery_count, $sums), ','
         ORDER BY sensor_id, hour)) FROM \"$1\".sensor_hourly"
}
expect_eq "$(hourly_values "$streamed")" "$(hourly_values "${schema}_many_whole")" \
  "many sensor-hours: sensor_hourly streamed as read whole"
contributions() { sql "SELECT count(*) > count(DISTINCT (file_id, sensor_id, hour)) FROM \"$1\".file_hourly"; }
expect_eq "$(contributions "${schema}_many_whole")" f "many sensor-hours, read whole: one contribution each"
expect_eq "$(contributions "$streamed")" t "many sensor-hours, streamed: written out along the way"
check_aggregates_match_readings "$streamed"
old_id=$(sql "SELECT file_id FROM \"$streamed\".files WHERE status = 'loaded'")
touch -d '2030-02-01 00:00:00' "$work/many/m.csv"
run_sluice ingest "$work/many" --schema "$streamed" --stream-bytes 1 --progress never --quiet --summary-json "$work/many.json"
expect_eq "$rc,$(json "$work/many.json" 'd["files"]["replaced"]')" "0,1" "many sensor-hours: the rewritten file replaced"
expect_eq "$(sql "SELECT count(*) FROM \"$streamed\".file_hourly WHERE file_id = $old_id")" 0 \
  "many sensor-hours: every contribution of the old version gone"
expect_eq "$(sql "SELECT count(*) FROM \"$streamed\".readings")" 140000 "many sensor-hours: no reading doubled"
check_aggregates_match_readings "$streamed"
echo "ok - pg_stream_test"
