# The aggregate store: each file's contribution kept under its file id, sensor_hourly a view adding them up.
# - sensor_hourly equals a GROUP BY over readings after loads and replacements;
# - readings dropped outside sluice (a DBA's retention job) do not make a later replacement add a file twice;
# - the sums are bit-identical whatever the order and grouping files were loaded in;
# - integer measures sum exactly beyond 2^53 and beyond 2^63; float sums never become Infinity.
source "$(dirname "$0")/lib.sh"
opts=(--progress never --quiet)

# Three days in 2025 and two in 2026, three files a day, several sensors.
mkdir -p "$work/data"
python3 - "$work/data" <<'PY'
import random, sys
out = sys.argv[1]
rng = random.Random(7)
for day in ["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"]:
    for part in range(3):  # three files share each sensor-hour: float addition order would show
        with open(f"{out}/{day}.{part}.csv", "w") as f:
            f.write("ts,sensor_id,temperature,humidity,pressure,battery\n")
            for i in range(600):
                h, m = divmod(i * 3 + part, 60)
                f.write(f"{day}T{h % 24:02d}:{m:02d}:{i % 60:02d}Z,s{i % 7},{rng.uniform(-40, 140):.6f},"
                        f"{rng.uniform(0, 100):.3f},{rng.uniform(900, 1100):.2f},{rng.uniform(0, 5):.4f}\n")
PY
run_sluice ingest "$work/data" --schema "$schema" "${opts[@]}"
expect_eq "$rc" 0 "first load"
check_aggregates_match_readings
total=$(sql "SELECT count(*) FROM \"$schema\".readings")
expect_eq "$(sql "SELECT sum(rows) FROM \"$schema\".sensor_hourly")" "$total" "sensor_hourly counts every reading once"

# ANALYZE skips the counts and bounds (no plan depends on them) on each contribution partition, made per year,
# but keeps the statistics of what queries search and group on.
stat_targets() {
  sql "SELECT string_agg(a.attname || '=' || a.attstattarget, ',' ORDER BY a.attnum) FROM pg_inherits i
       JOIN pg_attribute a ON a.attrelid = i.inhrelid AND a.attnum > 0 AND NOT a.attisdropped
       WHERE i.inhparent = '\"$schema\".file_hourly'::regclass AND a.attname IN ($1)
       GROUP BY i.inhrelid ORDER BY 1 LIMIT 1"
}
expect_eq "$(sql "SELECT count(*) FROM pg_inherits WHERE inhparent = '\"$schema\".file_hourly'::regclass")" 2 \
  "a contributions partition per year"
expect_eq "$(stat_targets "'rows', 'temperature_min', 'humidity_sum', 'battery_count'")" \
  "rows=0,temperature_min=0,humidity_sum=0,battery_count=0" "no statistics for counts and bounds"
expect_eq "$(stat_targets "'file_id', 'sensor_id', 'hour'")" "file_id=-1,sensor_id=-1,hour=-1" \
  "searched columns keep their statistics"
expect_eq "$(sql "SELECT count(*) FROM pg_inherits i JOIN pg_attribute a ON a.attrelid = i.inhrelid
                  WHERE i.inhparent = '\"$schema\".file_hourly'::regclass AND a.attnum > 0 AND a.attstattarget = 0")" 34 \
  "every partition: rows and four aggregates of four measures"

# A replacement: one file rewritten with other values; its old contribution goes, its new one comes.
sed -i 's/,s3,/,s5,/' "$work/data/2026-01-01.0.csv"
touch -d '2030-01-01' "$work/data/2026-01-01.0.csv"
run_sluice ingest "$work/data" --schema "$schema" "${opts[@]}" --summary-json "$work/r.json"
expect_eq "$(json "$work/r.json" 'd["files"]["replaced"]')" 1 "one file replaced"
check_aggregates_match_readings

# A retention job outside sluice drops readings_2025 but keeps the aggregates; a later touch of a 2025 file
# replaces exactly its own contribution (found by file id, not from readings), so nothing doubles. In the blocks
# layout the job first copies the aggregates the blocks carry into file_hourly, as README.md says.
before_2025=$(sql "SELECT sum(rows) || '/' || sum(temperature_count) FROM \"$schema\".sensor_hourly WHERE hour < '2026-01-01'")
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  # In one transaction: sensor_hourly never counts them twice.
  sql "BEGIN; INSERT INTO \"$schema\".file_hourly SELECT * FROM \"$schema\".carried_hourly
         WHERE hour >= '2025-01-01' AND hour < '2026-01-01';
       DROP TABLE \"$schema\".blocks_2025, \"$schema\".loose_readings_2025; COMMIT" >/dev/null
else
  sql "DROP TABLE \"$schema\".readings_2025"
fi
touch -d '2030-01-02' "$work/data/2025-12-30.1.csv"
run_sluice ingest "$work/data" --schema "$schema" "${opts[@]}" --summary-json "$work/t.json"
expect_eq "$rc" 0 "touch of a file whose readings were dropped"
expect_eq "$(json "$work/t.json" 'd["files"]["replaced"]')" 1 "the touched file replaced its version"
expect_eq "$(sql "SELECT sum(rows) || '/' || sum(temperature_count) FROM \"$schema\".sensor_hourly WHERE hour < '2026-01-01'")" \
  "$before_2025" "2025's aggregates after the touch (not doubled)"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings WHERE ts < '2026-01-01'")" 600 "2025 holds the touched file's rows again"

# Bit-identical sums whatever the order and grouping: one file per unit in reverse name order, in two runs,
# against everything in one run (same content as the first schema now has).
ordered="${schema}_ordered"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$ordered\" CASCADE' >/dev/null 2>&1")
ls "$work/data"/*.csv | sort -r > "$work/reverse.txt"
head -7 "$work/reverse.txt" > "$work/first_half.txt"
tail -n +8 "$work/reverse.txt" > "$work/second_half.txt"
run_sluice ingest $(cat "$work/first_half.txt") --schema "$ordered" --unit-bytes 1 --connections 1 "${opts[@]}"
expect_eq "$rc" 0 "the first half, one file per unit"
run_sluice ingest $(cat "$work/second_half.txt") --schema "$ordered" --unit-bytes 1 --connections 1 "${opts[@]}"
expect_eq "$rc" 0 "the second half, one file per unit"
all="${schema}_all"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$all\" CASCADE' >/dev/null 2>&1")
run_sluice ingest "$work/data" --schema "$all" --unit-bytes 100000000 --connections 1 "${opts[@]}"
fingerprint "$all" | grep '^hourly' > "$work/all.txt"
fingerprint "$ordered" | grep '^hourly' > "$work/ordered.txt"
expect_eq "$(diff "$work/all.txt" "$work/ordered.txt" && echo same)" same "exact sums: one unit vs one file per unit in reverse"
expect_eq "$(sql "SELECT count(*) FROM \"$all\".sensor_hourly a JOIN \"$ordered\".sensor_hourly o USING (sensor_id, hour)
  WHERE a.temperature_sum::float8::text <> o.temperature_sum::float8::text")" 0 "the sums as double precision too"

# Integer measures: exact beyond 2^53 (one file) and beyond 2^63 (two files of one sensor-hour).
cat >"$work/int.json" <<'JSON'
{"timestamp_column": "ts", "sensor_column": "sensor_id", "aggregate": ["counter", "value"],
 "columns": [{"name": "ts", "type": "timestamp", "required": true},
             {"name": "sensor_id", "type": "text", "required": true},
             {"name": "counter", "type": "int"},
             {"name": "value", "type": "float"}]}
JSON
ints="${schema}_int"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$ints\" CASCADE' >/dev/null 2>&1")
mkdir -p "$work/int"
printf 'ts,sensor_id,counter,value\n2026-02-01T00:00:00Z,c1,9007199254740993,1e308\n2026-02-01T00:01:00Z,c1,1,1e308\n2026-02-01T00:02:00Z,c1,9223372036854775807,-1e308\n' >"$work/int/a.csv"
printf 'ts,sensor_id,counter,value\n2026-02-01T00:30:00Z,c1,9223372036854775807,1e308\n' >"$work/int/b.csv"
printf 'ts,sensor_id,counter,value\n2026-02-01T00:40:00Z,c1,,1e308\n' >"$work/int/c.csv"
run_sluice ingest "$work/int" --schema "$ints" --config "$work/int.json" "${opts[@]}" --summary-json "$work/i.json"
expect_eq "$rc" 0 "integer and huge float measures load"
expect_eq "$(json "$work/i.json" 'd["rows"]["rejected"]')" 1 "the one row that would take a file's float sum to Infinity is a range reject"
expect_eq "$(sql "SELECT reason FROM \"$ints\".rejects")" "range:value" "its reason"
expect_eq "$(sql "SELECT counter_sum || '/' || counter_min || '/' || counter_max || '/' || counter_count FROM \"$ints\".sensor_hourly")" \
  "18455751272964292607/9007199254740993/9223372036854775807/3" "exact integer sum past 2^63, min and max as bigint"
expect_eq "$(sql "SELECT pg_typeof(counter_min)::text || ',' || pg_typeof(counter_sum)::text FROM \"$ints\".sensor_hourly")" \
  "bigint,numeric" "integer measure types"
expect_eq "$(sql "SELECT value_sum || ',' || (value_sum = sum_r) FROM \"$ints\".sensor_hourly, (SELECT sum(value::numeric) sum_r FROM \"$ints\".readings) r" | cut -c1-3,310-)" "200,true" \
  "two files' float sums past the largest double add up exactly, not to Infinity"
expect_eq "$(sql "SELECT count(*) FROM \"$ints\".sensor_hourly WHERE value_sum = 'Infinity' OR value_max = 'Infinity'")" 0 "no Infinity"
