# A header that spells a configured column differently (Humidity for humidity) never loads that column
# as silent NULLs: the file fails with a reason naming the column and the nearest header name, and loads
# nothing. With "header_case_insensitive": true the same file loads, humidity included.
source "$(dirname "$0")/lib.sh"
mkdir -p "$work/data"
file="$work/data/mixed_case.csv"
{
  echo 'ts,sensor_id,temperature,Humidity,pressure,battery'
  echo '2026-01-01T00:00:00Z,s1,20.5,41.5,1000.5,3.5'
  echo '2026-01-01T00:10:00Z,s1,21.5,42.5,1001.5,3.6'
  echo '2026-01-01T01:00:00Z,s2,-3.25,43.5,1002.5,3.7'
} > "$file"
uri_sql=$(realpath "$file"); uri_sql=${uri_sql//\'/\'\'}

# The default format: the file fails.
run_sluice ingest "$work/data" --schema "$schema" --summary-json "$work/strict.json" --progress never --quiet
expect_eq "$rc" 1 "default config: exit code with a failed file"
expect_eq "$(sql "SELECT status FROM \"$schema\".files WHERE uri = '$uri_sql'")" "failed" "default config: ledger status"
error=$(sql "SELECT error FROM \"$schema\".files WHERE uri = '$uri_sql'")
case "$error" in
  *'column "humidity" is missing (nearest in the header: "Humidity")'*) echo "ok - the reason names humidity and Humidity: $error";;
  *) fail "the reason does not name humidity and its nearest header name Humidity: '$error'";;
esac
case "$error" in *humidity*Humidity*) ;; *) fail "reason without humidity and Humidity: '$error'";; esac
expect_eq "$(sql "SELECT rows_loaded FROM \"$schema\".files WHERE uri = '$uri_sql'")" 0 "default config: rows_loaded in the ledger"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" 0 "default config: rows in readings"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".rejects")" 0 "default config: rejects"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".sensor_hourly")" 0 "default config: sensor-hours"
expect_eq "$(json "$work/strict.json" 'd["files"]["failed"]')" 1 "default config: failed files in the summary"

# The same columns with header_case_insensitive: every row loads, humidity not NULL.
cat > "$work/case_insensitive.json" <<'JSON'
{
  "header_case_insensitive": true,
  "columns": [
    {"name": "ts", "type": "timestamp", "required": true},
    {"name": "sensor_id", "type": "text", "required": true},
    {"name": "temperature", "type": "float", "required": true, "min": -50, "max": 150},
    {"name": "humidity", "type": "float", "min": 0, "max": 100},
    {"name": "pressure", "type": "float", "min": 300, "max": 1100},
    {"name": "battery", "type": "float", "min": 0, "max": 5}
  ]
}
JSON
s="${schema}_ci"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s\" CASCADE' >/dev/null 2>&1")
run_sluice ingest "$work/data" --config "$work/case_insensitive.json" --schema "$s" --progress never --quiet
expect_eq "$rc" 0 "header_case_insensitive: exit code"
expect_eq "$(sql "SELECT status || '/' || rows_loaded || '/' || rows_rejected || '/' || coalesce(error, '') FROM \"$s\".files WHERE uri = '$uri_sql'")" \
  "loaded/3/0/" "header_case_insensitive: ledger row"
expect_eq "$(sql "SELECT count(*) || '/' || count(humidity) FROM \"$s\".readings")" "3/3" "header_case_insensitive: rows, humidity not NULL"
expect_eq "$(sql "SELECT string_agg(humidity::text, ',' ORDER BY ts) FROM \"$s\".readings")" "41.5,42.5,43.5" \
  "header_case_insensitive: humidity values"
expect_eq "$(sql "SELECT humidity_count || '/' || humidity_sum FROM \"$s\".sensor_hourly WHERE sensor_id = 's1'")" "2/84" \
  "header_case_insensitive: humidity aggregated"
check_aggregates_match_readings "$s"

# A column declared optional_in_header loads as NULL when the header lacks it (the opt-out, stated in the config).
mkdir -p "$work/partial"
printf '%s\n' 'ts,sensor_id,temperature' '2026-01-01T00:00:00Z,s1,20' > "$work/partial/partial.csv"
sed 's/"header_case_insensitive": true,/"header_case_insensitive": false,/; s/"max": 100}/"max": 100, "optional_in_header": true}/; s/"max": 1100}/"max": 1100, "optional_in_header": true}/; s/"max": 5}/"max": 5, "optional_in_header": true}/' \
  "$work/case_insensitive.json" > "$work/optional.json"
run_sluice ingest "$work/partial" --config "$work/optional.json" --schema "$s" --progress never --quiet
expect_eq "$rc" 0 "optional_in_header: exit code"
expect_eq "$(sql "SELECT count(*) || '/' || count(humidity) || '/' || count(battery) FROM \"$s\".readings r JOIN \"$s\".files f USING (file_id) WHERE f.uri LIKE '%/partial.csv'")" \
  "1/0/0" "optional_in_header: the row loads with NULLs"
