# Shared by the integration tests: a fresh schema per test (so tests run in any order and in
# parallel), a scratch folder, and small assertion helpers. Needs SLUICE_BIN, SLUICE_TOP and the
# libpq environment (scripts/run-tests sets all of them).
set -euo pipefail
: "${SLUICE_BIN:?set by ctest}" "${SLUICE_TOP:?set by ctest}"
test_name=$(basename "$0" .sh)
schema="t_${test_name}_$$"
work=$(mktemp -d "/tmp/sluice-${test_name}.XXXXXX")
cleanup_hooks=()

# SLUICE_TEST_LAYOUT=blocks (ctest's *_blocks tests): every ingest, consume, schema, status, retry and retention command, however the
# test starts it, stores readings as blocks: SLUICE_BIN becomes a wrapper that adds "layout": "blocks" to the
# command's --config (a copy), or passes the default format with it.
if [ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ]; then
  real_bin=$SLUICE_BIN
  SLUICE_BIN="$work/sluice-blocks"
  python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c.pop("schema"); c["layout"]="blocks"; json.dump(c, open(sys.argv[2], "w"))' \
    "$SLUICE_TOP/examples/config.json" "$work/layout-default.json"
  cat > "$SLUICE_BIN" <<WRAPPER
#!/bin/bash
case "\$1" in ingest|consume|schema|status|retry|retention) ;; *) exec "$real_bin" "\$@" ;; esac
args=("\$@")
given=0
for ((i = 0; i < \${#args[@]}; i++)); do
  if [ "\${args[i]}" = --config ] && [ \$((i + 1)) -lt \${#args[@]} ]; then
    given=1
    copy=\$(mktemp "$work/layout-XXXXXX.json")
    python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); c["layout"]="blocks"; json.dump(c, open(sys.argv[2], "w"))' "\${args[i+1]}" "\$copy" || exit 2
    args[i+1]=\$copy
  fi
done
[ \$given = 1 ] || args+=(--config "$work/layout-default.json")
exec "$real_bin" "\${args[@]}"
WRAPPER
  chmod +x "$SLUICE_BIN"
  export SLUICE_BIN
fi

cleanup() {
  local hook
  for hook in "${cleanup_hooks[@]}"; do eval "$hook" || true; done
  psql -qAtc "DROP SCHEMA IF EXISTS \"$schema\" CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

sql() { psql -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
sluice() { "$SLUICE_BIN" "$@"; }
gen_data() { "$SLUICE_TOP/scripts/gen-data" "$@" >/dev/null; }

fail() { echo "FAIL [$test_name]: $*" >&2; exit 1; }
expect_eq() {  # actual expected what
  [ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
  echo "ok - $3 = $2"
}
# json FILE EXPR: a value from a JSON file, EXPR in Python (d is the document).
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# sessions_gone CONDITION WHAT: waits until no session of pg_stat_activity matches CONDITION (a backend lives on
# briefly after its client hung up or died).
sessions_gone() {
  local i
  for ((i = 0; i < 600; i++)); do
    [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE $1")" = 0 ] && return 0
    sleep 0.1
  done
  fail "sessions of $2 still open 60 s after its client ended"
}

# backends_gone APP: waits until the server holds no session named APP (PGAPPNAME). A client killed with -9
# may have sent its COMMIT just before it died; the server finishes it afterwards, so the ledger is only
# final once the killed client's sessions are gone.
backends_gone() { sessions_gone "application_name = '$1'" "$1"; }

# wait_stopped PID: waits until the process has stopped itself (SLUICE_FAIL_POINTS=pause-after-first-commit);
# fails if it ends instead.
wait_stopped() {
  local i state
  for ((i = 0; i < 1200; i++)); do
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || fail "process $1 ended before it stopped"
    [ "$state" = T ] && return 0
    sleep 0.05
  done
  fail "process $1 did not stop within 60 s"
}

# Runs sluice, keeping its exit code in $rc instead of stopping the test.
run_sluice() {
  set +e
  "$SLUICE_BIN" "$@"
  rc=$?
  set -e
}

# The readings, rejects and aggregates of $schema reduced to fingerprints that ignore file ids and
# load order: two schemas loaded from the same files must give the same lines. The sums are compared exactly
# (their full numeric text): the aggregates must be bit-identical whatever order the files were loaded in.
fingerprint() {
  local s=${1:-$schema}
  sql "SELECT 'readings', count(*), md5(string_agg(concat_ws('|', ts, sensor_id, temperature, humidity, pressure, battery), ',' ORDER BY ts, sensor_id, temperature, humidity, pressure, battery)) FROM \"$s\".readings"
  sql "SELECT 'rejects', count(*), md5(string_agg(concat_ws('|', f.uri, r.line, r.reason, r.raw), ',' ORDER BY f.uri, r.line)) FROM \"$s\".rejects r JOIN \"$s\".files f USING (file_id)"
  sql "SELECT 'hourly', count(*), md5(string_agg(concat_ws('|', sensor_id, hour, rows, temperature_count, temperature_min, temperature_max, temperature_sum, humidity_count, humidity_min, humidity_max, humidity_sum, pressure_count, pressure_sum, battery_count, battery_sum), ',' ORDER BY sensor_id, hour)) FROM \"$s\".sensor_hourly"
  sql "SELECT 'files', count(*), sum(rows_loaded), sum(rows_rejected), string_agg(status, ',' ORDER BY uri) FROM \"$s\".files"
}

# Fails unless sensor_hourly equals the aggregate recomputed from readings.
check_aggregates_match_readings() {
  local s=${1:-$schema}
  local diff
  diff=$(sql "WITH truth AS (
      SELECT sensor_id, date_trunc('hour', ts) AS hour, count(*) AS rows, count(temperature) AS tc,
             min(temperature) AS tmin, max(temperature) AS tmax, sum(temperature) AS tsum,
             count(humidity) AS hc, min(humidity) AS hmin, max(humidity) AS hmax, sum(humidity) AS hsum,
             count(battery) AS bc, sum(battery) AS bsum
      FROM \"$s\".readings GROUP BY 1, 2)
    SELECT count(*) FROM truth t FULL JOIN \"$s\".sensor_hourly h USING (sensor_id, hour)
    WHERE t.rows IS DISTINCT FROM h.rows OR t.tc IS DISTINCT FROM h.temperature_count
       OR t.tmin IS DISTINCT FROM h.temperature_min OR t.tmax IS DISTINCT FROM h.temperature_max
       OR abs(t.tsum - h.temperature_sum) > 1e-6 * greatest(1, abs(t.tsum))
       OR t.hc IS DISTINCT FROM h.humidity_count OR t.hmin IS DISTINCT FROM h.humidity_min
       OR t.hmax IS DISTINCT FROM h.humidity_max OR abs(t.hsum - h.humidity_sum) > 1e-6 * greatest(1, abs(t.hsum))
       OR t.bc IS DISTINCT FROM h.battery_count OR abs(coalesce(t.bsum, 0) - coalesce(h.battery_sum, 0)) > 1e-6 * greatest(1, abs(coalesce(t.bsum, 0)))")
  expect_eq "$diff" 0 "sensor-hours of $s differing from GROUP BY over readings"
}
