# local-time files on IANA zones across both daylight-saving changes of 2026, into PostgreSQL. Each file holds
# a year of hourly rows: sensor "clock" as a DST-aware logger writes them (the skipped hour absent, the
# repeated hour twice), sensor "naive" at :30 of every civil hour (so one row in the skipped hour, one in the
# repeated hour), and sensor "offset" with explicit offsets (kept whatever the zone). Python's zoneinfo
# computes the expected instants independently and writes them beside each row (utc_earliest, utc_latest).
# Checked: every stored timestamptz equals the expected UTC instant for the ambiguous rule (earliest, latest,
# reject); the rejects are exactly the skipped hour's rows (and, with reject, the repeated hour's), reason
# `timestamp`; sensor_hourly is per UTC hour, also for a zone at a half-hour offset (Australia/Adelaide) and
# after a changed file is reloaded. An unknown zone, or no tz database, is exit 2 before anything is read.
source "$(dirname "$0")/lib.sh"
# json FILE EXPR [ARG]: as lib.sh's, with ARG as sys.argv[3].
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$@"; }

# make_year ZONE DIR: DIR/local.csv and DIR/expected.json (the lines expected to be rejected per rule).
make_year() {
  mkdir -p "$2"
  python3 - "$1" "$2" <<'EOF'
import datetime as dt, json, sys
from zoneinfo import ZoneInfo
name, out = sys.argv[1], sys.argv[2]
zone, utc = ZoneInfo(name), dt.timezone.utc

def iso_utc(instant):
    return instant.astimezone(utc).strftime("%Y-%m-%dT%H:%M:%SZ")

def expected(naive):
    """(earliest, latest) UTC texts of a naive local time, or None when the zone skips it."""
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.astimezone(utc).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return sorted([iso_utc(first), iso_utc(second)])

rows, skipped, repeated = [], [], []
start = dt.datetime(2026, 1, 1, tzinfo=zone).astimezone(utc)
for h in range(8760):  # a DST-aware clock: the local reading of every UTC hour of the local year
    local = (start + dt.timedelta(hours=h)).astimezone(zone).replace(tzinfo=None)
    rows.append((local.strftime("%Y-%m-%d %H:%M:%S"), "clock", h % 40, expected(local)))
naive = dt.datetime(2026, 1, 1, 0, 30)
while naive.year == 2026:  # a civil hour counter at :30
    rows.append((naive.strftime("%Y-%m-%d %H:%M:%S"), "naive", naive.hour, expected(naive)))
    naive += dt.timedelta(hours=1)
for text, instant in [("2026-07-01T12:00:00Z", "2026-07-01T12:00:00Z"), ("2026-03-29T02:30:00+01:00", "2026-03-29T01:30:00Z"),
                      ("2026-10-04T02:30:00+10:00", "2026-10-03T16:30:00Z")]:
    rows.append((text, "offset", 1, [instant, instant]))
with open(f"{out}/local.csv", "w") as f:
    f.write("ts,sensor_id,temperature,utc_earliest,utc_latest\n")
    for line, (text, sensor, value, utc_pair) in enumerate(rows, start=2):
        f.write(f"{text},{sensor},{value},{utc_pair[0] if utc_pair else ''},{utc_pair[1] if utc_pair else ''}\n")
        if utc_pair is None:
            skipped.append(line)
        elif utc_pair[0] != utc_pair[1]:
            repeated.append(line)
json.dump({"rows": len(rows), "skipped": skipped, "repeated": repeated}, open(f"{out}/expected.json", "w"))
EOF
}

# config ZONE_KEYS FILE: the columns of local.csv, the timestamp on the given zone.
config() {
  cat > "$2" <<EOF
{"timestamp_column": "ts", "sensor_column": "sensor_id", "aggregate": ["temperature"],
 "columns": [{"name": "ts", "type": "timestamp", "required": true, $1},
             {"name": "sensor_id", "type": "text", "required": true},
             {"name": "temperature", "type": "float", "required": true},
             {"name": "utc_earliest", "type": "timestamp"}, {"name": "utc_latest", "type": "timestamp"}]}
EOF
}

ingest() {  # SCHEMA CONFIG DIR
  cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$1\" CASCADE' >/dev/null 2>&1")
  run_sluice ingest "$3" --config "$2" --schema "$1" --progress never --quiet
  expect_eq "$rc" 0 "$1: exit code"
}

# check_hourly SCHEMA: sensor_hourly is per whole UTC hour and equals a GROUP BY of readings on UTC hours.
check_hourly() {
  expect_eq "$(sql "SELECT count(*) FROM \"$1\".sensor_hourly WHERE date_trunc('hour', hour AT TIME ZONE 'UTC') <> hour AT TIME ZONE 'UTC'")" \
    0 "$1: sensor_hourly hours that are not whole UTC hours"
  expect_eq "$(sql "WITH truth AS (SELECT sensor_id, date_trunc('hour', ts AT TIME ZONE 'UTC') AS utc_hour, count(*) AS n,
                                          sum(temperature) AS total FROM \"$1\".readings GROUP BY 1, 2)
                    SELECT count(*) FROM truth t FULL JOIN (SELECT *, hour AT TIME ZONE 'UTC' AS utc_hour FROM \"$1\".sensor_hourly) h
                      USING (sensor_id, utc_hour) WHERE t.n IS DISTINCT FROM h.rows OR t.total IS DISTINCT FROM h.temperature_sum")" \
    0 "$1: sensor-hours differing from readings grouped by UTC hour"
}

# check_load SCHEMA DIR RULE: the stored instants and the rejects for the ambiguous rule.
check_load() {
  local s=$1 exp=$2/expected.json rule=$3 expected_column=utc_earliest
  [ "$rule" = latest ] && expected_column=utc_latest
  local lines='sorted(d["skipped"] + (d["repeated"] if sys.argv[3] == "reject" else []))'
  local rejected loaded
  rejected=$(json "$exp" "\",\".join(map(str, $lines))" "$rule")
  loaded=$(json "$exp" "d[\"rows\"] - len($lines)" "$rule")
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings")" "$loaded" "$s: rows loaded"
  expect_eq "$(sql "SELECT string_agg(line::text, ',' ORDER BY line) FROM \"$s\".rejects")" "$rejected" "$s: rejected lines"
  expect_eq "$(sql "SELECT string_agg(DISTINCT reason, ',') FROM \"$s\".rejects")" timestamp "$s: reject reason"
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings WHERE ts IS DISTINCT FROM $expected_column")" 0 \
    "$s: readings whose ts differs from $expected_column"
  check_hourly "$s"
}

make_year Europe/Berlin "$work/berlin"
exp="$work/berlin/expected.json"
# The generator found what the test is about: one skipped row (naive 02:30 on 2026-03-29) and three rows in the
# repeated hour (clock 02:00 twice, naive 02:30 on 2026-10-25).
expect_eq "$(json "$exp" 'len(d["skipped"]), len(d["repeated"])')" "1 3" "berlin: skipped and repeated rows in the file"
expect_eq "$(sed -n "$(json "$exp" 'd["skipped"][0]')p" "$work/berlin/local.csv" | cut -d, -f1,2)" "2026-03-29 02:30:00,naive" \
  "berlin: the skipped row"

for rule in earliest latest reject; do
  keys='"zone": "Europe/Berlin"'
  [ "$rule" = earliest ] || keys="$keys, \"ambiguous\": \"$rule\""
  config "$keys" "$work/berlin-$rule.json"
  ingest "${schema}_berlin_$rule" "$work/berlin-$rule.json" "$work/berlin"
  check_load "${schema}_berlin_$rule" "$work/berlin" "$rule"
done

# The repeated hour's two clock rows land in the UTC hour the rule says (sensor_hourly is keyed by UTC hour).
hour_rows() {  # SCHEMA UTC_HOUR
  sql "SELECT coalesce(sum(rows), 0) FROM \"$1\".sensor_hourly WHERE sensor_id = 'clock' AND hour = '$2'::timestamptz"
}
expect_eq "$(hour_rows "${schema}_berlin_earliest" '2026-10-25 00:00Z'),$(hour_rows "${schema}_berlin_earliest" '2026-10-25 01:00Z')" \
  "2,0" "earliest: both 02:00 readings in the 00:00 UTC hour"
expect_eq "$(hour_rows "${schema}_berlin_latest" '2026-10-25 00:00Z'),$(hour_rows "${schema}_berlin_latest" '2026-10-25 01:00Z')" \
  "0,2" "latest: both 02:00 readings in the 01:00 UTC hour"
expect_eq "$(hour_rows "${schema}_berlin_reject" '2026-10-25 00:00Z'),$(hour_rows "${schema}_berlin_reject" '2026-10-25 01:00Z')" \
  "0,0" "reject: neither"
expect_eq "$(sql "SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') FROM \"${schema}_berlin_earliest\".readings
                  WHERE sensor_id = 'clock' AND ts >= '2026-03-29 00:00Z' AND ts < '2026-03-29 02:00Z' ORDER BY ts" | paste -sd' ')" \
  "2026-03-29 00:00 2026-03-29 01:00" "spring: the clock's 01:00 CET and 03:00 CEST are consecutive UTC hours"
expect_eq "$(sql "SELECT count(*) FROM \"${schema}_berlin_earliest\".sensor_hourly WHERE sensor_id = 'clock'")" 8759 \
  "earliest: the clock's 8760 readings in 8759 UTC hours"

# A southern zone at a half-hour offset: local hours are not UTC hours there.
make_year Australia/Adelaide "$work/adelaide"
expect_eq "$(json "$work/adelaide/expected.json" 'len(d["skipped"]), len(d["repeated"])')" "1 3" \
  "adelaide: skipped and repeated rows in the file"
config '"zone": "Australia/Adelaide"' "$work/adelaide.json"
ingest "${schema}_adelaide" "$work/adelaide.json" "$work/adelaide"
check_load "${schema}_adelaide" "$work/adelaide" earliest
expect_eq "$(sql "SELECT count(DISTINCT extract(minute FROM ts AT TIME ZONE 'UTC')) FROM \"${schema}_adelaide\".readings WHERE sensor_id = 'clock'")" \
  1 "adelaide: the clock's readings are all at one minute past the UTC hour"
expect_eq "$(sql "SELECT DISTINCT extract(minute FROM ts AT TIME ZONE 'UTC') FROM \"${schema}_adelaide\".readings WHERE sensor_id = 'clock'")" \
  30 "adelaide: ... at :30 UTC"
# A changed file is reloaded: its sensor-hours are recomputed from readings (in SQL), still by UTC hour. A few
# days around the repeated hour keep the recompute short.
mkdir -p "$work/adelaide-april"
{ head -1 "$work/adelaide/local.csv"; grep '^2026-04-0[4-6]' "$work/adelaide/local.csv"; } > "$work/adelaide-april/local.csv"
s="${schema}_adelaide_reload"
ingest "$s" "$work/adelaide.json" "$work/adelaide-april"
echo "2026-04-05 02:00:00,clock,99,2026-04-04T15:30:00Z,2026-04-04T16:30:00Z" >> "$work/adelaide-april/local.csv"
ingest "$s" "$work/adelaide.json" "$work/adelaide-april"
expect_eq "$(sql "SELECT status || ' ' || rows_loaded FROM \"$s\".files WHERE status <> 'superseded'")" "loaded $(( $(wc -l < "$work/adelaide-april/local.csv") - 1 ))" \
  "adelaide reloaded: the changed file's rows"
expect_eq "$(hour_rows "$s" '2026-04-04 15:00Z')" 3 "adelaide reloaded: the repeated 02:00 readings (earliest) in their UTC hour"
expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings WHERE ts IS DISTINCT FROM utc_earliest")" 0 \
  "adelaide reloaded: every ts as expected"
check_hourly "$s"

# An unknown zone, and a machine without the tz database: exit 2, saying so, before any file is read.
config '"zone": "Europe/Berln"' "$work/typo.json"
set +e; err=$("$SLUICE_BIN" ingest "$work/berlin" --config "$work/typo.json" --schema "${schema}_typo" 2>&1 >/dev/null); rc=$?; set -e
expect_eq "$rc" 2 "unknown zone: exit code"
case "$err" in *'$.columns[0].zone: unknown time zone "Europe/Berln"'*tzdata*) echo "ok - the error names the zone and tzdata";;
  *) fail "unknown zone error: $err";; esac
mkdir -p "$work/empty-tzdir"
set +e; err=$(TZDIR="$work/empty-tzdir" "$SLUICE_BIN" ingest "$work/berlin" --config "$work/berlin-earliest.json" \
  --schema "${schema}_notz" 2>&1 >/dev/null); rc=$?; set -e
expect_eq "$rc" 2 "no tz database: exit code"
case "$err" in *'the tz database cannot be read'*'install tzdata'*) echo "ok - the error says to install tzdata";;
  *) fail "no tz database error: $err";; esac
expect_eq "$(sql "SELECT count(*) FROM pg_namespace WHERE nspname IN ('${schema}_typo', '${schema}_notz')")" 0 \
  "nothing was created for either"
