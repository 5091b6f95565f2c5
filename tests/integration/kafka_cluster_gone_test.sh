#!/usr/bin/env bash
# The Kafka cluster dies (kill -9 of the mock) under a running consumer: sluice exits 3 within a bounded time
# (session.timeout.ms for the outage, for a commit without answer and for leaving the group), with a message
# that says the cluster is gone, and it commits nothing it did not load. Two moments: (1) a batch polled and
# waiting for --batch-wait: when the session times out, librdkafka revokes the partitions as lost and the
# revoke handler may load the batch; whatever it loads is whole, and its commit gets no answer; (2) a batch
# that loads after the kill: its files are in, its offsets cannot be committed (they will be delivered again
# and skipped by the ledger). Either way nothing is marked failed and no offset is committed after the kill.
source "$(dirname "$0")/kafka_common.sh"

for i in 1 2 3 4 5 6; do
  { echo 'ts,sensor_id,temperature,humidity,pressure,battery'; echo "2026-01-01T0$i:00:00Z,s$i,1.5,50,1000,3.3"; } \
    >"$WORK/f$i.csv"
  uri_message "$WORK/f$i.csv"
  echo
done >"$WORK/messages.txt"

kill_mock() {
  kill -9 "$MOCK_PID"
  wait "$MOCK_PID" 2>/dev/null || true
  MOCK_PID=
  exec 7>&-
  rm -f "$WORK/mock.in" "$WORK/mock.out" "$WORK/mock.log"
}

# run_until_gone NAME BATCH_WAIT: a consumer that has polled every message when the mock is killed; sets
# ELAPSED (seconds from the kill to sluice's exit) and STATUS.
run_until_gone() {
  start_mock 1 "$WORK/messages.txt"
  consume_bg "$WORK/$1.out" "$WORK/$1.log" --group "$1" --batch-files 100 --batch-wait "$2" --summary-json "$WORK/$1.json"
  local pid=${CONSUMER_PIDS[-1]}
  wait_for 60 "$1: every message polled" grep -qs "caught up at offset $PRODUCED" "$WORK/$1.log"
  local killed=$SECONDS
  kill_mock
  STATUS=0
  wait "$pid" || STATUS=$?
  ELAPSED=$((SECONDS - killed))
  CONSUMER_PIDS=()
}

# (1) The batch waits 600 s: the outage is noticed first.
run_until_gone pending 600
expect_eq "pending: exit code" "$STATUS" 3
[ "$ELAPSED" -le 45 ] || fail "pending: sluice took $ELAPSED s to exit after the cluster died"
echo "ok: pending: exited $ELAPSED s after the kill"
gone='no broker reachable for|committing offsets got no answer'
grep -Eq "$gone" "$WORK/pending.log" || fail "pending: no message saying the cluster is gone"
grep -q "offsets committed" "$WORK/pending.log" && fail "pending: offsets were committed after the cluster died"
expect_eq "pending: no failed file" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status <> 'loaded'")" 0
expect_eq "pending: rows of the files loaded, whole" "$(q "SELECT count(*) FROM $SCHEMA.readings")" \
  "$(q "SELECT coalesce(sum(rows_loaded), 0) FROM $SCHEMA.files")"
expect_eq "pending: run recorded with exit 3" "$(q "SELECT exit_code FROM $SCHEMA.runs")" 3

# (2) The batch loads 3 s after its first message, after the kill: loaded, its offsets not committed.
run_until_gone loading 3
expect_eq "loading: exit code" "$STATUS" 3
[ "$ELAPSED" -le 45 ] || fail "loading: sluice took $ELAPSED s to exit after the cluster died"
echo "ok: loading: exited $ELAPSED s after the kill"
grep -Eq "$gone|offsets .* (not committed|failed)" "$WORK/loading.log" ||
  fail "loading: no message saying the offsets were not committed"
grep -q "offsets committed" "$WORK/loading.log" && fail "loading: offsets were committed after the cluster died"
expect_eq "loading: files loaded" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded'")" 6
expect_eq "loading: no failed file" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status <> 'loaded'")" 0
expect_eq "loading: rows" "$(q "SELECT count(*) FROM $SCHEMA.readings")" 6
finish
