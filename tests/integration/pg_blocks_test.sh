# The blocks layout gives back every value bit for bit: the same readings (timestamps to the microsecond,
# floats compared as float8send bytes, NULLs) as the rows layout, for the acceptance sample, the corpus and random
# data (17-digit floats, -0.0, subnormals, µs and ms timestamps, busy sensor-hours cut into several blocks,
# rows out of order and repeated, sensor-hours too small for a block). readings_between returns what a ts filter on
# the view returns. A config that disagrees with the schema's layout is exit 2 saying what to do, and
# `sluice schema migrate` moves a rows schema to blocks with nothing changed.
source "$(dirname "$0")/lib.sh"
data="$work/data"
mkdir -p "$data"
python3 - "$SLUICE_TOP/examples/config.json" "$work" <<'EOF'
import json, sys
config = json.load(open(sys.argv[1]))
config.pop("schema")
for layout in ("rows", "blocks"):
    config["layout"] = layout
    json.dump(config, open(f"{sys.argv[2]}/{layout}.json", "w"))
EOF
python3 "$SLUICE_TOP/tests/acceptance/sensor_sample.py" "$data/acceptance" >/dev/null
mkdir -p "$data/corpus"
cp "$SLUICE_TOP"/tests/corpus/*.csv "$data/corpus/"
python3 - "$data/random" <<'EOF'
import datetime, os, random, sys
out = sys.argv[1]
os.makedirs(out)
rng = random.Random(17)
start = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.timezone.utc)
def iso(t, digits):
    return t.strftime("%Y-%m-%dT%H:%M:%S") + (t.strftime(".%f")[: digits + 1] if digits else "") + "Z"
def value(kind, low, high):
    if kind == "any":  # full precision: no decimal scale fits, stored as float8
        return repr(rng.uniform(low, high))
    if kind == "special":
        return rng.choice(["-0.0", "0.0", "0", "1e-300", "4.9e-324", "2.2250738585072014e-308", "100", "99.99999"])
    return f"{rng.uniform(low, high):.{kind}f}"
rows = []
# Two busy sensors at 1 Hz over 90 minutes: sensor-hours of 3,600 readings, cut into blocks; one with whole
# milliseconds, one with microseconds.
for s, digits in (("busy-ms", 3), ("busy-us", 6)):
    for i in range(5400):
        t = start + datetime.timedelta(seconds=i, microseconds=rng.randrange(1_000_000))
        hum = "" if i % 17 == 0 else value(2, 0, 100)
        rows.append(f"{iso(t, digits)},{s},{value(rng.choice([1, 2, 'any', 'special']), -50, 150)},{hum},"
                    f"{value(2, 300, 1100)},{'' if i % 5 == 0 else value(3, 0, 5)}")
# Sensors with 1..6 readings an hour (blocks from four readings on, loose rows below), some repeated timestamps.
for n in range(1, 7):
    for i in range(n):
        t = start + datetime.timedelta(minutes=7 * i)
        rows.append(f"{iso(t, 0)},few-{n},{value('special', 0, 0)},,{value(1, 300, 1100)},")
    rows.append(f"{iso(start, 0)},few-{n},{value(3, -50, 150)},{value('any', 0, 100)},,4.5")
# A sensor whose decimals all scale to int4 (negative ones and a scale that grows within the block).
for i in range(30):
    t = start + datetime.timedelta(seconds=90 * i)
    rows.append(f"{iso(t, 0)},decimal,{value(rng.choice([0, 1, 2, 3]), -50, 150)},{value(2, 0, 100)},{value(1, 300, 1100)},3.3")
# Scaled values at the edges of the 16-bit codes (-32767 and 32767 as -32.767 and 327.67) and just past them
# (-32768 is NULL's code): blocks of codes and of int4; whole-second timestamps (offsets in seconds).
for sensor, temperature, pressure in (("edge-i16", "-32.767", "327.67"), ("edge-i4", "-32.768", "327.68")):
    for i in range(4):
        t = start + datetime.timedelta(seconds=600 * i)
        rows.append(f"{iso(t, 0)},{sensor},{temperature if i == 1 else '1.5'},1,{pressure if i == 2 else '300'},1")
rng.shuffle(rows)
with open(f"{out}/random.csv", "w") as f:
    f.write("ts,sensor_id,temperature,humidity,pressure,battery\n" + "\n".join(rows) + "\n")
EOF

rows="${schema}_rows"
blocks="${schema}_blocks"
for s in "$rows" "$blocks"; do cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s\" CASCADE' >/dev/null 2>&1"); done
run_sluice ingest "$data" --schema "$rows" --config "$work/rows.json" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 1 "rows layout: exit code (the sample and the corpus have broken files)"
run_sluice ingest "$data" --schema "$blocks" --config "$work/blocks.json" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 1 "blocks layout: exit code"

# Every reading as text: the file it came from, ts to the microsecond, floats as their 8 bytes, NULL as N.
dump() {  # schema [from-clause]
  local from=${2:-\"$1\".readings}
  sql "SELECT count(*) || ' ' || md5(string_agg(x, ',' ORDER BY x)) FROM (SELECT concat_ws('|', f.uri,
         (extract(epoch FROM r.ts) * 1000000)::bigint, r.sensor_id,
         coalesce(float8send(r.temperature)::text, 'N'), coalesce(float8send(r.humidity)::text, 'N'),
         coalesce(float8send(r.pressure)::text, 'N'), coalesce(float8send(r.battery)::text, 'N')) AS x
       FROM $from r JOIN \"$1\".files f USING (file_id)) d"
}
rows_dump=$(dump "$rows")
expect_eq "$(dump "$blocks")" "$rows_dump" "every reading bit for bit, blocks vs rows"
expect_eq "$(sql "SELECT sum(rows_loaded) FROM \"$blocks\".files")" "${rows_dump%% *}" "ledger rows in blocks layout"
fingerprint "$rows" | grep -v '^files' > "$work/rows.txt"
fingerprint "$blocks" | grep -v '^files' > "$work/blocks.txt"
expect_eq "$(diff "$work/rows.txt" "$work/blocks.txt" && echo same)" same "rejects and sensor_hourly, blocks vs rows"
check_aggregates_match_readings "$blocks"

# Each file's sensor-hour in blocks has its aggregate carried by exactly one of its blocks, in the block's hour;
# file_hourly holds only those of the sensor-hours of loose readings. sensor_hourly filtered by time or sensor
# reaches the blocks through the BRIN on the carried hour and sensor.
expect_eq "$(sql "SELECT count(*) FROM (SELECT 1 FROM \"$blocks\".blocks GROUP BY file_id, sensor_id, date_bin('1 hour', first_ts, '2000-01-01Z') HAVING count(\"agg:hour\") <> 1) x")" 0 \
  "one block of each file's sensor-hour carries its aggregate"
expect_eq "$(sql "SELECT count(*) FROM \"$blocks\".blocks WHERE \"agg:hour\" <> date_bin('1 hour', first_ts, '2000-01-01Z')")" 0 \
  "a carried aggregate's hour is its block's"
expect_eq "$(sql "SELECT count(*) FROM \"$blocks\".file_hourly h WHERE EXISTS (SELECT 1 FROM \"$blocks\".blocks b WHERE b.file_id = h.file_id AND b.sensor_id = h.sensor_id AND date_bin('1 hour', b.first_ts, '2000-01-01Z') = h.hour)")" 0 \
  "no contribution in file_hourly for a sensor-hour in blocks"
expect_eq "$(sql "SELECT count(*) > 0 FROM \"$blocks\".file_hourly h JOIN \"$blocks\".files f USING (file_id) WHERE f.uri LIKE '%random.csv' AND h.sensor_id IN ('few-1', 'few-2')")" t \
  "the loose readings' sensor-hours have their contributions in file_hourly"
plan=$(sql "SET enable_seqscan = off; EXPLAIN SELECT * FROM \"$blocks\".sensor_hourly WHERE hour >= '2026-03-01T10:00:00Z' AND hour < '2026-03-01T11:00:00Z'")
case "$plan" in
  *'Index Cond: '*'"agg:hour" >='*) echo "ok - sensor_hourly's time filter reaches the carried hour's index" ;;
  *) fail "sensor_hourly's time filter does not reach the carried hour's index: $plan" ;;
esac
plan=$(sql "SET enable_seqscan = off; EXPLAIN SELECT * FROM \"$blocks\".sensor_hourly WHERE sensor_id = 'decimal'")
case "$plan" in
  *'Index Cond: '*"sensor_id = 'decimal'"*) echo "ok - sensor_hourly's sensor filter reaches the carried aggregates' bloom index" ;;
  *) fail "sensor_hourly's sensor filter does not reach the carried aggregates' bloom index: $plan" ;;
esac

# The encodings were all used: scaled 16-bit codes, int4 and float8, s, ms and µs offsets, split sensor-hours, loose
# readings; never schema version 5's int2 arrays.
b="\"$blocks\".blocks"
expect_eq "$(sql "SELECT count(*) > 0 FROM $b WHERE \"temperature:f8\" IS NOT NULL")" t "blocks with float8 temperatures"
expect_eq "$(sql "SELECT count(*) > 0 FROM $b WHERE \"temperature:int\" IS NOT NULL")" t "blocks with scaled temperatures"
expect_eq "$(sql "SELECT count(*) > 0 FROM $b WHERE \"ts:us\" IS NOT NULL")" t "blocks with microsecond offsets"
expect_eq "$(sql "SELECT count(*) > 0 FROM $b WHERE \"ts:ms\" IS NOT NULL")" t "blocks with millisecond offsets"
expect_eq "$(sql "SELECT count(*) > 0 FROM $b WHERE \"ts:s16\" IS NOT NULL")" t "blocks with offsets in seconds"
expect_eq "$(sql "SELECT count(*) > 0 FROM $b WHERE \"temperature:i16\" IS NOT NULL")" t "blocks with 16-bit temperatures"
expect_eq "$(sql "SELECT count(*) FROM $b WHERE \"ts:s\" IS NOT NULL OR \"temperature:i2\" IS NOT NULL OR \"humidity:i2\" IS NOT NULL")" 0 \
  "no int2 arrays"
expect_eq "$(sql "SELECT string_agg(concat_ws(':', sensor_id, encode(\"temperature:i16\", 'hex'), \"temperature:int\"::text, \"temperature:div\", encode(\"pressure:i16\", 'hex'), \"pressure:int\"::text, \"pressure:div\"), ' ' ORDER BY sensor_id) FROM $b WHERE sensor_id LIKE 'edge-%'")" \
  "edge-i16:85dc000185dc85dc03:f530f530fffff53002 edge-i4:{1500,-32768,1500,1500}:1000:{30000,30000,32768,30000}:100" \
  "codes (value + 32768, big-endian, then the scale byte) while every scaled value is in -32767..32767, int4 and divisor past it"
# Carried aggregates packed (the float measures' bounds and sums in "agg:packed", their columns NULL) and, where a
# value has no packed form (-0, 1e-300, 17-digit bounds of the busy sensors), written in the columns; sensor_hourly
# above is the rows layout's either way.
carried="$b WHERE \"agg:hour\" IS NOT NULL"
expect_eq "$(sql "SELECT count(*) FILTER (WHERE \"agg:packed\" IS NOT NULL) > 0, count(*) FILTER (WHERE \"agg:packed\" IS NULL) > 0 FROM $carried")" \
  "t|t" "carried aggregates in both forms, packed and in columns"
expect_eq "$(sql "SELECT count(*) FROM $carried AND \"agg:packed\" IS NOT NULL AND num_nonnulls(\"temperature:min\", \"temperature:max\", \"temperature:sum\", \"humidity:min\", \"humidity:max\", \"humidity:sum\", \"pressure:min\", \"pressure:max\", \"pressure:sum\", \"battery:min\", \"battery:max\", \"battery:sum\") > 0")" \
  0 "a packed aggregate leaves its float measures' bounds and sums out of the columns"
expect_eq "$(sql "SELECT octet_length(\"agg:packed\") FROM $carried AND sensor_id = 'decimal' LIMIT 1")" 76 \
  "19 bytes per float measure"
expect_eq "$(sql "SELECT count(*) FROM $carried AND \"agg:packed\" IS NULL AND \"temperature:sum\" IS NULL AND coalesce(\"temperature:count\", \"agg:rows\", n) > 0")" \
  0 "an aggregate not packed has its bounds and sums in the columns"
expect_eq "$(sql "SELECT count(*) || '/' || count(\"agg:packed\") FROM $carried AND sensor_id IN ('decimal', 'edge-i16', 'edge-i4')")" \
  "3/3" "the aggregates of decimals, even at the codes' edges, are packed"
expect_eq "$(sql "SELECT count(*) > 4 FROM $b WHERE sensor_id = 'busy-ms' AND first_ts < '2026-03-01T11:00:00Z'")" t \
  "a busy sensor-hour is cut into several blocks"
expect_eq "$(sql "SELECT count(*) FROM $b WHERE date_trunc('hour', first_ts) <> date_trunc('hour', last_ts) OR first_ts > last_ts OR n <> coalesce(octet_length(\"ts:s16\") / 2, cardinality(coalesce(\"ts:ms\"::bigint[], \"ts:us\"))) OR num_nonnulls(\"ts:s16\", \"ts:s\", \"ts:ms\", \"ts:us\") <> 1")" 0 \
  "blocks within one hour, bounds and counts consistent"
expect_eq "$(sql "SELECT string_agg(sensor_id || '=' || n, ',' ORDER BY sensor_id) FROM (SELECT sensor_id, count(*) n FROM \"$blocks\".loose_readings WHERE sensor_id LIKE 'few-%' GROUP BY 1) l")" \
  "few-1=2,few-2=3" "sensor-hours under four readings are loose rows"
expect_eq "$(sql "SELECT count(*) FILTER (WHERE attstorage = 'm') || '/' || count(*) FROM pg_attribute WHERE attrelid = '\"$blocks\".blocks_2026'::regclass AND attnum > 0 AND (format_type(atttypid, NULL) LIKE '%[]' OR atttypid = 'bytea'::regtype)")" \
  "21/21" "every array, code and packed-aggregate column of a partition is stored inline (storage main)"
expect_eq "$(sql "SELECT string_agg(DISTINCT (format_type(atttypid, NULL) LIKE '%[]' OR atttypid = 'bytea'::regtype OR (attname LIKE '%:%' AND attname NOT IN ('agg:hour', 'temperature:div', 'humidity:div', 'pressure:div', 'battery:div'))) || '=' || attstattarget, ',') FROM pg_attribute WHERE attrelid = '\"$blocks\".blocks_2026'::regclass AND attnum > 0")" \
  "false=-1,true=0" "a partition's ANALYZE skips the array and code columns and the carried aggregates' counts, bounds and sums, and only them"

# The fast path returns what a ts filter returns, with and without sensors, in both layouts' results.
window="'2026-03-01T10:20:00.5Z', '2026-03-01T11:07:00Z'"
filtered="(SELECT * FROM \"$blocks\".readings WHERE ts >= '2026-03-01T10:20:00.5Z' AND ts < '2026-03-01T11:07:00Z')"
expected=$(dump "$blocks" "$filtered")
expect_eq "$(dump "$blocks" "\"$blocks\".readings_between($window)")" "$expected" "readings_between over all sensors"
expect_eq "$(dump "$rows" "(SELECT * FROM \"$rows\".readings WHERE ts >= '2026-03-01T10:20:00.5Z' AND ts < '2026-03-01T11:07:00Z')")" \
  "$expected" "the window in the rows layout"
filtered="(SELECT * FROM \"$blocks\".readings WHERE ts >= '2026-03-01T10:00:00Z' AND ts < '2026-03-01T12:00:00Z' AND sensor_id IN ('busy-us', 'few-2'))"
expect_eq "$(dump "$blocks" "\"$blocks\".readings_between('2026-03-01T10:00:00Z', '2026-03-01T12:00:00Z', ARRAY['busy-us', 'few-2'])")" \
  "$(dump "$blocks" "$filtered")" "readings_between of two sensors"
# A window whose ends are a block's own first and last ts: that block is decoded reading by reading (its last
# reading is out), the blocks wholly inside are not.
IFS='|' read -r from to < <(sql "SELECT first_ts, last_ts FROM \"$blocks\".blocks ORDER BY n DESC, first_ts LIMIT 1")
[ -n "$from" ] && [ "$from" != "$to" ] || fail "no block to take a window from: '$from' '$to'"
filtered="(SELECT * FROM \"$blocks\".readings WHERE ts >= '$from' AND ts < '$to')"
expect_eq "$(dump "$blocks" "\"$blocks\".readings_between('$from', '$to')")" "$(dump "$blocks" "$filtered")" \
  "readings_between from a block's first ts to its last"

# A config that disagrees with the layout the schema records: exit 2 before any file, saying what to do.
run_sluice ingest "$data/random" --schema "$rows" --config "$work/blocks.json" --progress never --quiet 2>"$work/err.txt"
expect_eq "$rc" 2 "blocks config on a rows schema"
grep -q 'sluice schema migrate' "$work/err.txt" || fail "the refusal does not name sluice schema migrate: $(cat "$work/err.txt")"
run_sluice ingest "$data/random" --schema "$blocks" --config "$work/rows.json" --progress never --quiet 2>"$work/err.txt"
expect_eq "$rc" 2 "rows config on a blocks schema"
grep -q '"layout": "blocks"' "$work/err.txt" || fail "the refusal does not say to set the layout: $(cat "$work/err.txt")"

# Migration: the rows schema becomes a blocks schema holding exactly the same readings, then loads on.
sluice schema migrate --schema "$rows" --config "$work/blocks.json" > "$work/migrate.txt"
cat "$work/migrate.txt"
grep -q "readings moved from rows to blocks in .* per million readings" "$work/migrate.txt" || fail "migrate did not report the move"
expect_eq "$(dump "$rows")" "$rows_dump" "every reading bit for bit after the migration"
expect_eq "$(sql "SELECT count(*) FROM \"$rows\".blocks")" "$(sql "SELECT count(*) FROM \"$blocks\".blocks")" "the same blocks as a blocks load"
check_aggregates_match_readings "$rows"
sluice schema migrate --schema "$rows" --config "$work/blocks.json" | grep -q "already stores blocks" || fail "a second migrate is not a no-op"
run_sluice ingest "$data" --schema "$rows" --config "$work/blocks.json" --force --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 1 "a forced reload into the migrated schema"
expect_eq "$(dump "$rows")" "$rows_dump" "after replacing every file: the same readings"
check_aggregates_match_readings "$rows"
