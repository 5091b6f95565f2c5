# every identifier is quoted. A config naming a column `x"; DROP TABLE y; --` (aggregated, so it
# also names sensor_hourly columns) and a --schema with a quote and a space in it load correctly: the data
# is in the table under that exact column name, and the table y still exists.
source "$(dirname "$0")/lib.sh"
odd_schema="we\"ird sch'ema $$"
odd_schema_sql=${odd_schema//\"/\"\"}   # as an identifier inside "..."
cleanup_hooks+=("psql -qAtc \"DROP SCHEMA IF EXISTS \\\"${odd_schema_sql//\"/\\\"}\\\" CASCADE\" >/dev/null 2>&1")
column='x"; DROP TABLE y; --'
sql "CREATE SCHEMA \"$schema\"; CREATE TABLE \"$schema\".y (id int); INSERT INTO \"$schema\".y VALUES (1)"
if [ "$(sql "SELECT to_regclass('public.y') IS NULL")" = t ]; then
  sql "CREATE TABLE public.y (id int)"
  cleanup_hooks+=("psql -qAtc 'DROP TABLE IF EXISTS public.y' >/dev/null 2>&1")
fi

cat > "$work/config.json" <<'JSON'
{
  "columns": [
    {"name": "ts", "type": "timestamp", "required": true},
    {"name": "sensor_id", "type": "text", "required": true},
    {"name": "x\"; DROP TABLE y; --", "type": "float", "required": true, "min": 0, "max": 100}
  ],
  "aggregate": ["x\"; DROP TABLE y; --"]
}
JSON
mkdir -p "$work/data"
printf '%s\n' 'ts,sensor_id,"x""; DROP TABLE y; --"' \
  '2026-01-01T00:00:00Z,s1,1.5' '2026-01-01T00:10:00Z,s1,2.5' '2026-01-01T00:20:00Z,s2,200' > "$work/data/odd.csv"

for target in "$schema" "$odd_schema"; do
  target_sql=${target//\"/\"\"}
  run_sluice ingest "$work/data" --config "$work/config.json" --schema "$target" --progress never --quiet \
    --summary-json "$work/summary.json"
  expect_eq "$rc" 0 "exit code, schema [$target]"
  expect_eq "$(sql "SELECT string_agg(\"x\"\"; DROP TABLE y; --\"::text, ',' ORDER BY ts) FROM \"$target_sql\".readings")" "1.5,2.5" \
    "values under the column named [$column], schema [$target]"
  expect_eq "$(sql "SELECT count(*) FROM pg_attribute WHERE attrelid = '\"${target_sql//\'/\'\'}\".readings'::regclass AND attname = '${column//\'/\'\'}'")" 1 \
    "readings has a column named exactly [$column]"
  expect_eq "$(sql "SELECT \"x\"\"; DROP TABLE y; --_count\" || '/' || \"x\"\"; DROP TABLE y; --_sum\" FROM \"$target_sql\".sensor_hourly WHERE sensor_id = 's1'")" "2/4" \
    "aggregate columns named after it"
  expect_eq "$(sql "SELECT reason FROM \"$target_sql\".rejects")" "range:$column" "the reject reason names the column"
  expect_eq "$(sql "SELECT count(*) FROM \"$target_sql\".files WHERE status = 'loaded'")" 1 "ledger row"
  # A second run: the ledger lookups in the odd schema work too (the file is skipped).
  run_sluice ingest "$work/data" --config "$work/config.json" --schema "$target" --progress never --quiet --summary-json "$work/summary.json"
  expect_eq "$(json "$work/summary.json" 'd["files"]["skipped"]')" 1 "second run skips the file, schema [$target]"
done
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".y")" 1 "table y in the test schema still exists with its row"
expect_eq "$(sql "SELECT to_regclass('public.y') IS NOT NULL")" t "table public.y still exists"
run_sluice status --config "$work/config.json" --schema "$odd_schema"
expect_eq "$rc" 0 "sluice status on the odd schema"
