# real-world-shaped formats. For each example format (scripts/gen-examples: UCI air quality
# with ';', decimal comma, Date;Time and -200; IoT telemetry with quoted values, epoch seconds, MAC
# ids and bools): the hand-written config of examples/configs/ loads the sample with exactly the
# outcome of its expected.json (rows, rejects by reason, NULL counts, the sum of one measure), and so
# does the config `sluice infer` prints for the sample. The same infer round trip for the default format.
source "$(dirname "$0")/lib.sh"
"$SLUICE_TOP/scripts/gen-examples" "$work/examples" >/dev/null

# check_outcome SCHEMA EXPECTED_JSON WHAT: exact counts in SQL against expected.json.
check_outcome() {
  local s=$1 exp=$2 what=$3 column
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings")" "$(json "$exp" 'd["valid"]')" "$what: rows in readings"
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".rejects")" "$(json "$exp" 'd["rejected"]')" "$what: rows in rejects"
  expect_eq "$(sql "SELECT string_agg(reason || '=' || n, ',' ORDER BY reason) FROM (SELECT reason, count(*) n FROM \"$s\".rejects GROUP BY 1) r")" \
    "$(json "$exp" '",".join(f"{k}={v}" for k, v in sorted(d["reasons"].items()))')" "$what: rejects by reason"
  column=$(json "$exp" 'd["sum_column"]')
  # float8 -> numeric keeps the 15 significant digits the file had: the sum is exact.
  expect_eq "$(sql "SELECT trim_scale(sum(\"$column\"::numeric)) FROM \"$s\".readings")" \
    "$(json "$exp" 'format(__import__("decimal").Decimal(d["sum"]).normalize(), "f")')" "$what: sum of $column"
  for column in $(json "$exp" '" ".join(d["nulls"])'); do
    expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings WHERE \"$column\" IS NULL")" \
      "$(json "$exp" "d[\"nulls\"][\"$column\"]")" "$what: NULLs in $column"
  done
  expect_eq "$(sql "SELECT sum(rows) FROM \"$s\".sensor_hourly")" "$(json "$exp" 'd["valid"]')" "$what: rows counted in sensor_hourly"
}

# ingest_with SCHEMA CONFIG DIR WHAT: a fresh schema, exit 0 expected.
ingest_with() {
  local s=$1 config=$2 dir=$3 what=$4
  cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s\" CASCADE' >/dev/null 2>&1")
  run_sluice ingest "$dir" --config "$config" --schema "$s" --progress never --quiet
  expect_eq "$rc" 0 "$what: exit code"
}

for format in uci iot; do
  dir="$work/examples/$format"
  exp="$dir/expected.json"
  config="$SLUICE_TOP/examples/configs/$(json "$exp" 'd["config"]')"

  ingest_with "${schema}_${format}" "$config" "$dir" "$format, hand-written config"
  check_outcome "${schema}_${format}" "$exp" "$format, hand-written config"

  # The inferred config's ranges hold every sampled value, and a number with a fraction makes a column
  # float: so the rows the hand-written config rejects as range: (and as type: for "12,5" in an int
  # column) load. Every other reject is the same; no row is lost.
  sluice infer "$dir"/*.csv > "$work/$format-inferred.json" 2> "$work/$format-notes.txt"
  s="${schema}_${format}_inferred"
  ingest_with "$s" "$work/$format-inferred.json" "$dir" "$format, inferred config"
  expect_eq "$(sql "SELECT (SELECT count(*) FROM \"$s\".readings) + (SELECT count(*) FROM \"$s\".rejects)")" \
    "$(json "$exp" 'd["valid"] + d["rejected"]')" "$format, inferred config: rows in readings and rejects"
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".rejects WHERE reason LIKE 'range:%'")" 0 "$format, inferred config: range: rejects"
  sql "SELECT reason, count(*) FROM \"$s\".rejects GROUP BY 1" > "$work/$format-reasons.txt"
  # A reason may only lose rows when it is type: (a fraction in an int column); no reason may gain any.
  expect_eq "$(python3 -c 'import json, sys
expected = json.load(open(sys.argv[1]))["reasons"]
got = dict((r, int(n)) for r, n in (line.rsplit("|", 1) for line in open(sys.argv[2]).read().split()))
print(",".join(f"{r}={got.get(r, 0)}/{expected.get(r, 0)}" for r in sorted(set(got) | set(expected))
               if not r.startswith("range:") and got.get(r, 0) != expected.get(r, 0)
               and not (r.startswith("type:") and got.get(r, 0) < expected.get(r, 0))))' "$exp" "$work/$format-reasons.txt")" \
    "" "$format, inferred config: rejects by reason that differ from the hand-written config's"
  expect_eq "$(sql "SELECT sum(rows) FROM \"$s\".sensor_hourly")" "$(sql "SELECT count(*) FROM \"$s\".readings")" "$format, inferred config: rows counted in sensor_hourly"
done

# What infer must have found, beyond the counts.
inferred="$work/uci-inferred.json"
expect_eq "$(json "$inferred" '(d["dialect"]["delimiter"], d["dialect"]["decimal"], d["timestamp_column"], d["sensor_column"])')" \
  "(';', ',', 'ts', 'station')" "uci: dialect, timestamp and sensor columns inferred"
expect_eq "$(json "$inferred" '[c for c in d["columns"] if c["name"] == "ts"][0]["format"]')" "%d/%m/%Y %H.%M.%S" "uci: Date + Time pattern inferred"
expect_eq "$(json "$inferred" '[c.get("null") for c in d["columns"] if c["name"] == "CO(GT)"][0]')" "['-200']" "uci: -200 inferred as NULL"
expect_eq "$(json "$inferred" '[c["default"] for c in d["columns"] if c["name"] == "station"][0]')" "uci-air-1" "uci: station default from the file name"
inferred="$work/iot-inferred.json"
expect_eq "$(json "$inferred" '(d["dialect"]["delimiter"], d["timestamp_column"], d["sensor_column"])')" \
  "(',', 'ts', 'device')" "iot: dialect, timestamp and sensor columns inferred"
expect_eq "$(json "$inferred" '",".join(c["name"] for c in d["columns"] if c["type"] == "bool")')" "light,motion" "iot: bool columns inferred"

# The default sensor format: infer gives the default config, which loads gen-data's files exactly.
gen_data "$work/default" --files 2 --rows 20000
exp="$work/default/expected.json"
sluice infer "$work"/default/*/*.csv > "$work/default-inferred.json" 2>/dev/null
expect_eq "$(json "$work/default-inferred.json" '",".join(c["name"] for c in d["columns"])')" \
  "ts,sensor_id,temperature,humidity,pressure,battery" "default: inferred columns"
s="${schema}_default_inferred"
ingest_with "$s" "$work/default-inferred.json" "$work/default" "default, inferred config"
expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings")" "$(json "$exp" 'd["valid"]')" "default, inferred config: rows in readings"
expect_eq "$(sql "SELECT string_agg(reason || '=' || n, ',' ORDER BY reason) FROM (SELECT reason, count(*) n FROM \"$s\".rejects GROUP BY 1) r")" \
  "$(json "$exp" '",".join(f"{k}={v}" for k, v in sorted(d["reasons"].items()))')" "default, inferred config: rejects by reason"
expect_eq "$(sql "SELECT round(sum(temperature)::numeric, 2) FROM \"$s\".readings")" \
  "$(json "$exp" 'format(d["sum_temperature"], ".2f")')" "default, inferred config: sum of temperatures"
check_aggregates_match_readings "$s"
