# A PostgreSQL error caused by one file's data fails that file (with the SQLSTATE and message in the ledger),
# the other files of its unit load, the run goes on, exits 1, prints its summary and completes its runs row.
# The example: 1e308 in one sensor-hour of an unbounded float column, in two files: the aggregate merge
# overflows ("value out of range: overflow") when the second one is added.
source "$(dirname "$0")/lib.sh"
cat >"$work/config.json" <<'JSON'
{"timestamp_column": "ts", "sensor_column": "sensor_id", "aggregate": ["value"],
 "columns": [{"name": "ts", "type": "timestamp", "required": true},
             {"name": "sensor_id", "type": "text", "required": true},
             {"name": "value", "type": "float"}]}
JSON
mkdir -p "$work/first" "$work/second"
printf 'ts,sensor_id,value\n2026-01-01T00:00:00Z,s1,1e308\n' >"$work/first/a.csv"
printf 'ts,sensor_id,value\n2026-01-01T00:10:00Z,s1,1e308\n' >"$work/second/b.csv"      # overflows the sum
printf 'ts,sensor_id,value\n2026-01-01T00:20:00Z,s2,5\n2026-01-01T00:30:00Z,s2,6\n' >"$work/second/c.csv"
opts=(--config "$work/config.json" --schema "$schema" --progress never --quiet)
run_sluice ingest "$work/first" "${opts[@]}" >/dev/null 2>&1
expect_eq "$rc" 0 "the first file loads"
# b and c in one unit (the default unit size holds both): b's data breaks the unit, c must still load.
run_sluice ingest "$work/second" "${opts[@]}" --summary-json "$work/s.json" >"$work/out.txt" 2>"$work/err.txt"
expect_eq "$rc" 1 "exit code when one file's data is refused"
grep -q "status: partial (exit 1)" "$work/out.txt" || fail "no summary"
expect_eq "$(json "$work/s.json" 'd["files"]["loaded"]')" 1 "the other file of the unit loaded"
expect_eq "$(json "$work/s.json" 'd["files"]["failed"]')" 1 "the refused file failed"
expect_eq "$(sql "SELECT status FROM \"$schema\".files WHERE uri = '$work/second/b.csv'")" failed "b's ledger row"
error=$(sql "SELECT error FROM \"$schema\".files WHERE uri = '$work/second/b.csv'")
[[ "$error" == *"SQLSTATE 22003"* && "$error" == *"out of range"* ]] || fail "b's reason: $error"
echo "ok - b's reason: $error"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 3 "rows: a's and c's"
expect_eq "$(sql "SELECT status || ':' || exit_code FROM \"$schema\".runs ORDER BY run_id DESC LIMIT 1")" "partial:1" \
  "the runs row is completed"
expect_eq "$(sql "SELECT rows FROM \"$schema\".sensor_hourly WHERE sensor_id = 's1'")" 1 "s1's hour still counts a only"

# Two files of one unit whose sums overflow only together (each alone is finite): never an Infinity stored; the
# unit is split, the first loads, the second is refused by the server's own overflow check.
mkdir -p "$work/third"
printf 'ts,sensor_id,value\n2026-01-01T05:00:00Z,s3,1e308\n' >"$work/third/d.csv"
printf 'ts,sensor_id,value\n2026-01-01T05:10:00Z,s3,1e308\n' >"$work/third/e.csv"
run_sluice ingest "$work/third" "${opts[@]}" --summary-json "$work/s3.json" >/dev/null 2>&1
expect_eq "$rc" 1 "exit code when two files of a unit overflow together"
expect_eq "$(json "$work/s3.json" 'd["files"]["loaded"]'),$(json "$work/s3.json" 'd["files"]["failed"]')" "1,1" \
  "one loads, one fails"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".sensor_hourly WHERE value_sum = 'Infinity' OR value_sum = '-Infinity'")" 0 \
  "no Infinity stored"
check_aggregates_match_readings_value() {
  expect_eq "$(sql "SELECT count(*) FROM (SELECT sensor_id, date_trunc('hour', ts) h, count(*) c, sum(value) s FROM \"$schema\".readings GROUP BY 1, 2) t FULL JOIN \"$schema\".sensor_hourly x ON x.sensor_id = t.sensor_id AND x.hour = t.h WHERE t.c IS DISTINCT FROM x.rows OR t.s IS DISTINCT FROM x.value_sum")" 0 \
    "sensor_hourly equals a GROUP BY over readings"
}
check_aggregates_match_readings_value
