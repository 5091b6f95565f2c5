#!/usr/bin/env bash
# kill -9 a consumer at random moments (several seeds), restart it in the same group: every announced file
# ends loaded exactly once (rows, ledger, aggregates), and the offsets end committed (a last consumer in the
# group gets no message). Small batches, so kills land between and inside many database and offset commits.
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 12 --rows 60000 >/dev/null
valid=$(json_get "$WORK/data/expected.json" valid)
find "$WORK/data" -name '*.csv' | sort | while read -r file; do uri_message "$file"; echo; done >"$WORK/messages.txt"
start_mock 1 "$WORK/messages.txt"
base=$SCHEMA
for seed in 5 17 31; do
  SCHEMA="${base}_$seed"
  trap 'psql -Atqc "DROP SCHEMA IF EXISTS ${base}_5 CASCADE; DROP SCHEMA IF EXISTS ${base}_17 CASCADE; DROP SCHEMA IF EXISTS ${base}_31 CASCADE" >/dev/null 2>&1; kafka_cleanup' EXIT
  group="crash-$seed"
  delay=$(python3 -c "import random; print(round(random.Random($seed).uniform(0.1, 2.5), 2))")
  consume_bg "$WORK/c$seed.out" "$WORK/c$seed.log" --group "$group" --batch-files 2 --batch-wait 0.5 --exit-when-idle 30
  pid=${CONSUMER_PIDS[-1]}
  # The random moment counts from the first batch's load, so it lands inside the loading, not in the join.
  wait_for 60 "seed $seed: the first batch" grep -q "kafka: batch of" "$WORK/c$seed.log"
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  CONSUMER_PIDS=()
  committed=$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded'")
  status=0
  consume --group "$group" --batch-files 2 --batch-wait 0.5 --exit-when-idle 5 >"$WORK/r$seed.out" 2>"$WORK/r$seed.log" ||
    status=$?
  expect_eq "seed $seed: restarted consumer's exit code (killed ${delay}s after its first batch, $committed files in)" "$status" 0
  expect_eq "seed $seed: loaded files" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded'")" 12
  expect_eq "seed $seed: ledger rows (nothing twice)" "$(q "SELECT count(*) FROM $SCHEMA.files")" 12
  expect_eq "seed $seed: rows" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$valid"
  expect_eq "seed $seed: hourly rows" "$(q "SELECT sum(rows) FROM $SCHEMA.sensor_hourly")" "$valid"
  status=0
  consume --group "$group" --exit-when-idle 4 >"$WORK/l$seed.out" 2>"$WORK/l$seed.log" || status=$?
  expect_eq "seed $seed: last consumer's exit code" "$status" 0
  grep -q "kafka: 0 messages" "$WORK/l$seed.out" || fail "seed $seed: offsets were not all committed"
  echo "ok: seed $seed: offsets committed"
done
finish
