# `sluice infer FILE > c.json && sluice ingest FILE --config c.json` on the real-world-shaped samples of
# tests/infer/<case>/ (daily station files, two cities with a location column, hourly local time across DST,
# a device log, a CO2 series with no-data values, meter readings with phone numbers): every sample loads
# whole with the config inferred from it: exit 0, no reject at all (so no range: reject), every line of the
# file a row in readings, every row counted in sensor_hourly, the sensor column the one infer chose.
source "$(dirname "$0")/lib.sh"

cases=0
for folder in "$SLUICE_TOP"/tests/infer/*/; do
  name=$(basename "$folder")
  mkdir -p "$work/$name"
  cp "$folder"/*.csv "$work/$name/"
  sluice infer "$work/$name"/*.csv > "$work/$name.json" 2> "$work/$name-notes.txt"
  s="${schema}_$name"
  cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s\" CASCADE' >/dev/null 2>&1")
  run_sluice ingest "$work/$name" --config "$work/$name.json" --schema "$s" --progress never --quiet
  expect_eq "$rc" 0 "$name: exit code"
  lines=$(cat "$work/$name"/*.csv | wc -l)
  files=$(ls "$work/$name"/*.csv | wc -l)
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".rejects WHERE reason LIKE 'range:%'")" 0 "$name: range: rejects"
  expect_eq "$(sql "SELECT coalesce(string_agg(reason || '=' || n, ','), 'none') FROM (SELECT reason, count(*) n FROM \"$s\".rejects GROUP BY 1) r")" \
    none "$name: rejects by reason"
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings")" "$((lines - files))" "$name: rows loaded (lines less headers)"
  expect_eq "$(sql "SELECT sum(rows) FROM \"$s\".sensor_hourly")" "$((lines - files))" "$name: rows counted in sensor_hourly"
  expect_eq "$(sql "SELECT sum(rows_loaded), sum(rows_rejected) FROM \"$s\".files")" "$((lines - files))|0" "$name: ledger counts"
  cases=$((cases + 1))
done
expect_eq "$((cases >= 6))" 1 "samples found under tests/infer"

# What the samples were made to catch, as the config says it.
col() { json "$work/$1.json" "[$3 for c in d['columns'] if c['name'] == '$2'][0]"; }  # col CASE COLUMN EXPR-OF-c
expect_eq "$(json "$work/two_cities.json" 'd["sensor_column"]')" location "two_cities: location is the sensor column"
expect_eq "$(sql "SELECT string_agg(DISTINCT location, ',') FROM \"${schema}_two_cities\".readings")" \
  "New York,Seattle" "two_cities: both cities loaded as sensors"
expect_eq "$(json "$work/daily_station.json" 'd["timestamp_column"]')" date "daily_station: lowercase date is the timestamp"
expect_eq "$(json "$work/two_cities.json" 'd["timestamp_column"]')" Date "two_cities: Date is the timestamp"
expect_eq "$(col two_cities humidity '(c["min"], c["max"])')" "(0, 100)" "two_cities: humidity 0..100, its 100s are values"
expect_eq "$(json "$work/meter_phone.json" 'd["timestamp_column"]')" recorded "meter_phone: the epoch column in time order, not the phone numbers"
expect_eq "$(col meter_phone phone 'c["type"]')" text "meter_phone: phone numbers are text"
expect_eq "$(col co2_monthly average 'c["null"]')" "['-99.99']" "co2_monthly: -99.99 is no reading"
expect_eq "$(sql "SELECT count(*) FROM \"${schema}_co2_monthly\".readings WHERE average IS NULL")" \
  "$(grep -c ',-99.99,' "$work/co2_monthly/co2-mm-mlo.csv")" "co2_monthly: -99.99 rows have a NULL average"
grep -q '"average": -99.99 taken as no reading (NULL), 7 of 814 values: far outside' "$work/co2_monthly-notes.txt" ||
  fail "co2_monthly: no note saying why -99.99 is no reading"
grep -q '"precipitation": .* beyond the usual .*120.4' "$work/daily_station-notes.txt" ||
  fail "daily_station: no note naming the 120.4 mm day"
expect_eq "$(sql "SELECT max(precipitation) FROM \"${schema}_daily_station\".readings")" 120.4 "daily_station: the 120.4 mm day loaded"
