# A PostgreSQL error caused by one file's data fails that file (with the SQLSTATE and message in the ledger),
# the other files of its unit load, the run goes on, exits 1, prints its summary and completes its runs row.
# The causes: a DBA's check constraint, a row no partition takes (a DBA's own partitions overlapping the year's),
# a character the database's encoding cannot hold. And sums that only together exceed the largest double are
# stored exactly (numeric), never as Infinity.
source "$(dirname "$0")/lib.sh"
cat >"$work/config.json" <<'JSON'
{"timestamp_column": "ts", "sensor_column": "sensor_id", "aggregate": ["value"],
 "columns": [{"name": "ts", "type": "timestamp", "required": true},
             {"name": "sensor_id", "type": "text", "required": true},
             {"name": "value", "type": "float"}]}
JSON
opts=(--config "$work/config.json" --schema "$schema" --progress never --quiet)
sluice schema init --config "$work/config.json" --schema "$schema" >/dev/null

# 1. A DBA's check constraint refuses one file's value; b and c are in one unit (the default unit holds them all).
sql "ALTER TABLE \"$schema\".readings ADD CONSTRAINT value_below_1000 CHECK (value < 1000)"
mkdir -p "$work/first"
printf 'ts,sensor_id,value\n2026-01-01T00:00:00Z,s1,5\n' >"$work/first/a.csv"
printf 'ts,sensor_id,value\n2026-01-01T00:10:00Z,s1,1e4\n' >"$work/first/b.csv"      # refused
printf 'ts,sensor_id,value\n2026-01-01T00:20:00Z,s2,5\n2026-01-01T00:30:00Z,s2,6\n' >"$work/first/c.csv"
run_sluice ingest "$work/first" "${opts[@]}" --summary-json "$work/s.json" >"$work/out.txt" 2>"$work/err.txt"
expect_eq "$rc" 1 "exit code when one file's data is refused"
grep -q "status: partial (exit 1)" "$work/out.txt" || fail "no summary"
expect_eq "$(json "$work/s.json" 'd["files"]["loaded"]')" 2 "the other files of the unit loaded"
expect_eq "$(json "$work/s.json" 'd["files"]["failed"]')" 1 "the refused file failed"
expect_eq "$(sql "SELECT status FROM \"$schema\".files WHERE uri = '$work/first/b.csv'")" failed "b's ledger row"
error=$(sql "SELECT error FROM \"$schema\".files WHERE uri = '$work/first/b.csv'")
[[ "$error" == *"SQLSTATE 23514"* && "$error" == *"value_below_1000"* ]] || fail "b's reason: $error"
echo "ok - b's reason: $error"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 3 "rows: a's and c's"
expect_eq "$(sql "SELECT status || ':' || exit_code FROM \"$schema\".runs ORDER BY run_id DESC LIMIT 1")" "partial:1" \
  "the runs row is completed"
expect_eq "$(sql "SELECT rows FROM \"$schema\".sensor_hourly WHERE sensor_id = 's1'")" 1 "s1's hour counts a only"
sql "ALTER TABLE \"$schema\".readings DROP CONSTRAINT value_below_1000"

# 2. A DBA partitioned 2027 by half-year and made only the first half: sluice does not fight the partitioning;
# a file with a row in the second half fails (no partition for it), the others of the unit load.
sql "CREATE TABLE \"$schema\".readings_2027_h1 PARTITION OF \"$schema\".readings FOR VALUES FROM ('2027-01-01') TO ('2027-07-01')"
mkdir -p "$work/second"
printf 'ts,sensor_id,value\n2027-03-01T00:00:00Z,s1,1\n' >"$work/second/x.csv"
printf 'ts,sensor_id,value\n2027-03-01T00:00:00Z,s1,1\n2027-09-01T00:00:00Z,s1,2\n' >"$work/second/y.csv"
printf 'ts,sensor_id,value\n2026-05-01T00:00:00Z,s1,1\n' >"$work/second/z.csv"
run_sluice ingest "$work/second" "${opts[@]}" --summary-json "$work/p.json" >/dev/null 2>&1
expect_eq "$rc" 1 "exit code with a row no partition takes"
expect_eq "$(json "$work/p.json" 'd["files"]["loaded"]'),$(json "$work/p.json" 'd["files"]["failed"]')" "2,1" \
  "x and z load, y fails"
error=$(sql "SELECT error FROM \"$schema\".files WHERE uri = '$work/second/y.csv'")
[[ "$error" == *"SQLSTATE 23514"* && "$error" == *"no partition"* ]] || fail "y's reason: $error"
echo "ok - y's reason: $error"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings_2027_h1")" 1 "x's row in the DBA's partition"

# 3. Sums that exceed the largest double only together, in two files of one unit: both load, the sum is exact.
mkdir -p "$work/third"
printf 'ts,sensor_id,value\n2026-01-01T05:00:00Z,s3,1e308\n' >"$work/third/d.csv"
printf 'ts,sensor_id,value\n2026-01-01T05:10:00Z,s3,1e308\n' >"$work/third/e.csv"
run_sluice ingest "$work/third" "${opts[@]}" --summary-json "$work/s3.json" >/dev/null 2>&1
expect_eq "$rc" 0 "two files whose sums overflow a double together"
expect_eq "$(sql "SELECT left(value_sum::text, 3) || length(value_sum::text) FROM \"$schema\".sensor_hourly WHERE sensor_id = 's3'")" \
  "200309" "their sum is 2e308, exactly"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".sensor_hourly WHERE value_sum = 'Infinity' OR value_sum = '-Infinity'")" 0 \
  "no Infinity stored"
expect_eq "$(sql "SELECT count(*) FROM (SELECT sensor_id, date_trunc('hour', ts) h, count(*) c, sum(value::numeric) s FROM \"$schema\".readings GROUP BY 1, 2) t FULL JOIN \"$schema\".sensor_hourly x ON x.sensor_id = t.sensor_id AND x.hour = t.h WHERE t.c IS DISTINCT FROM x.rows OR t.s IS DISTINCT FROM x.value_sum")" 0 \
  "sensor_hourly equals a GROUP BY over readings"

# 4. A database in LATIN1: a sensor id it cannot hold (the euro sign) fails its file; é loads as é.
db="sluice_latin1_$$"
psql -qAtX -c "CREATE DATABASE \"$db\" ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
cleanup_hooks+=("psql -qAtc 'DROP DATABASE IF EXISTS \"$db\"' >/dev/null 2>&1")
mkdir -p "$work/fourth"
printf 'ts,sensor_id,value\n2026-01-01T00:00:00Z,caf\xc3\xa9,1\n' >"$work/fourth/f.csv"
printf 'ts,sensor_id,value\n2026-01-01T00:00:00Z,\xe2\x82\xac,1\n' >"$work/fourth/g.csv"
run_sluice ingest "$work/fourth" "${opts[@]}" --db "dbname=$db" --summary-json "$work/e.json" >/dev/null 2>&1
expect_eq "$rc" 1 "exit code with a character the database cannot hold"
expect_eq "$(json "$work/e.json" 'd["files"]["loaded"]'),$(json "$work/e.json" 'd["files"]["failed"]')" "1,1" "f loads, g fails"
error=$(psql -d "$db" -qAtX -c "SELECT error FROM \"$schema\".files WHERE uri = '$work/fourth/g.csv'")
[[ "$error" == *"SQLSTATE 22P05"* ]] || fail "g's reason: $error"
echo "ok - g's reason: $error"
expect_eq "$(PGCLIENTENCODING=UTF8 psql -d "$db" -qAtX -c "SELECT sensor_id FROM \"$schema\".readings")" "café" \
  "é stored as é, not as two LATIN1 characters"

# 5. A readings partition dropped by a DBA between runs is made again.
sql "DROP TABLE \"$schema\".readings_2026"
printf 'ts,sensor_id,value\n2026-05-02T00:00:00Z,s1,1\n' >"$work/second/w.csv"
run_sluice ingest "$work/second/w.csv" "${opts[@]}" >/dev/null 2>&1
expect_eq "$rc" 0 "a file for a year whose partition was dropped"

