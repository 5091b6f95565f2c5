# every documented exit code, produced by the situation it documents.
source "$(dirname "$0")/lib.sh"
gen_data "$work/good" --files 2 --rows 2000
mkdir -p "$work/bad" && cp -r "$work/good/site00" "$work/bad/" && printf 'time,device\n1,2\n' > "$work/bad/broken.csv"

run_sluice ingest "$work/good" --schema "$schema" --progress never --quiet >/dev/null
expect_eq "$rc" 0 "0: everything loaded"
run_sluice ingest "$work/good" --schema "$schema" --progress never --quiet >/dev/null
expect_eq "$rc" 0 "0: everything already loaded"
run_sluice ingest "$work/bad" --schema "${schema}" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 1 "1: a file failed"
gen_data "$work/rejecty" --files 1 --rows 4000 --seed 3
run_sluice ingest "$work/rejecty" --schema "$schema" --max-reject-ratio 0.001 --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 1 "1: reject ratio over --max-reject-ratio"

run_sluice ingest "$work/good" --no-such-flag >/dev/null 2>&1
expect_eq "$rc" 2 "2: unknown flag"
run_sluice ingest "$work/does-not-exist" --schema "$schema" >/dev/null 2>&1
expect_eq "$rc" 2 "2: missing source"
run_sluice ingest "$work/good" --shard 3/3 --schema "$schema" >/dev/null 2>&1
expect_eq "$rc" 2 "2: bad --shard"
echo '{"columns": [{"name": "ts", "type": "timestamp", "required": true}, {"name": "x", "type": "flaot"}]}' > "$work/bad.json"
set +e; err=$("$SLUICE_BIN" ingest "$work/good" --config "$work/bad.json" 2>&1 >/dev/null); rc=$?; set -e
expect_eq "$rc" 2 "2: bad config"
case "$err" in *'$.columns[1].type'*) echo "ok - config error names the JSON path";; *) fail "config error without path: $err";; esac

# A config whose aggregate list changed since the tables were made: exit 2 before any file is read, saying what differs.
sed 's/"aggregate": \["temperature", "humidity", "pressure", "battery"\]/"aggregate": ["temperature"]/' \
  "$SLUICE_TOP/examples/config.json" > "$work/fewer.json"
s_agg="${schema}_agg"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s_agg\" CASCADE' >/dev/null 2>&1")
sluice schema init --schema "$s_agg" >/dev/null
set +e; err=$("$SLUICE_BIN" ingest "$work/good" --schema "$s_agg" --config "$work/fewer.json" --progress never 2>&1 >/dev/null); rc=$?; set -e
expect_eq "$rc" 2 "2: a config that no longer matches the tables"
case "$err" in *"sensor_hourly"*"humidity_count"*) echo "ok - the error names the table and the difference";; *) fail "no difference in: $err";; esac
expect_eq "$(sql "SELECT count(*) FROM \"$s_agg\".files")" 0 "nothing was read"

run_sluice ingest "$work/good" --db "host=127.0.0.1 port=1 dbname=none user=nobody connect_timeout=2" --retries 1 --progress never >/dev/null 2>&1
expect_eq "$rc" 3 "3: database unreachable after retries"
# Errors retrying cannot fix end the run at once, with what to do, and no retry.
for case in "dbname=sluice_no_such_db|no such database" "user=sluice_no_such_role|no such user"; do
  dsn=${case%%|*} hint=${case#*|}
  set +e; err=$("$SLUICE_BIN" ingest "$work/good" --db "$dsn" --progress never 2>&1 >/dev/null); rc=$?; set -e
  expect_eq "$rc" 3 "3: permanent connection error ($dsn)"
  case "$err" in *"$hint"*) echo "ok - the error says: $hint";; *) fail "no hint '$hint' in: $err";; esac
  case "$err" in *retry*) fail "a permanent connection error was retried: $err";; *) echo "ok - not retried";; esac
done

# 130: SIGTERM while loading: in-flight units finish, nothing half-loaded, summary printed.
gen_data "$work/big" --files 16 --rows 800000
s="${schema}_term"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s\" CASCADE' >/dev/null 2>&1")
"$SLUICE_BIN" ingest "$work/big" --schema "$s" --unit-bytes 1 --connections 1 --jobs 1 --progress never \
  --summary-json "$work/term.json" > "$work/term.out" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  [ "$(sql "SELECT count(*) FROM \"$s\".files" 2>/dev/null || echo 0)" -ge 1 ] && break
  sleep 0.05
done
kill -TERM "$pid"
set +e; wait "$pid"; rc=$?; set -e
expect_eq "$rc" 130 "130: stopped by SIGTERM after draining"
expect_eq "$(json "$work/term.json" 'd["status"]')" stopped "summary status after SIGTERM"
loaded=$(sql "SELECT count(*) FROM \"$s\".files")
[ "$loaded" -lt 16 ] || fail "SIGTERM came too late to stop anything ($loaded files loaded)"
expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings")" "$(sql "SELECT coalesce(sum(rows_loaded), 0) FROM \"$s\".files")" \
  "rows equal the ledger's rows after SIGTERM ($loaded of 16 files committed)"
run_sluice ingest "$work/big" --schema "$s" --progress never --quiet --summary-json "$work/resume.json" >/dev/null
expect_eq "$rc,$(json "$work/resume.json" 'd["files"]["skipped"]')" "0,$loaded" "re-run resumes after the stop"
expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings")" "$(json "$work/big/expected.json" 'd["valid"]')" "all rows after resuming"

# A second signal aborts at once, even while the run waits on PostgreSQL (here for a lock another session holds
# on the ledger): exit 130 with the reason, and nothing of the run is stored.
a="${schema}_abort"
cleanup_hooks+=("psql -qAtc \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sluice_test_lock'\" >/dev/null 2>&1")
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$a\" CASCADE' >/dev/null 2>&1")
sluice schema init --schema "$a" >/dev/null
PGAPPNAME=sluice_test_lock psql -qAtX -c "BEGIN; LOCK TABLE \"$a\".files; SELECT pg_sleep(120); COMMIT;" >/dev/null 2>&1 &
for _ in $(seq 1 400); do
  [ "$(sql "SELECT count(*) FROM pg_locks WHERE granted AND relation = '\"$a\".files'::regclass AND mode = 'AccessExclusiveLock'")" = 1 ] && break
  sleep 0.05
done
"$SLUICE_BIN" ingest "$work/big" --schema "$a" --progress never > "$work/abort.out" 2> "$work/abort.err" &
pid=$!
for _ in $(seq 1 400); do  # the run's ledger lookup waits for the lock
  [ "$(sql "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = '\"$a\".files'::regclass")" -ge 1 ] && break
  sleep 0.05
done
kill -TERM "$pid"
for _ in $(seq 1 400); do grep -q "finishing the files in flight" "$work/abort.err" && break; sleep 0.05; done
grep -q "finishing the files in flight" "$work/abort.err" || fail "the first signal was not acknowledged"
kill -TERM "$pid"
set +e; wait "$pid"; rc=$?; set -e
expect_eq "$rc" 130 "130: aborted by a second signal"
grep -q "aborted by a second signal" "$work/abort.err" || fail "the abort does not say why"
sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sluice_test_lock'" >/dev/null
expect_eq "$(sql "SELECT count(*) FROM \"$a\".readings")/$(sql "SELECT count(*) FROM \"$a\".files")" "0/0" \
  "nothing stored by the aborted run"
