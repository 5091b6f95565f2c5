#!/usr/bin/env bash
# A rebalance finishes the batch in flight before giving partitions up: member A polls every message into
# one batch it would hold for 60 s (--batch-wait 60); member B joins the group; A's revoke loads that batch
# and commits its offsets before unassigning. Every file is loaded once, by A; B gets the partitions A gives
# up (and, once A has left, the others) and loads nothing again; and the offsets end committed (a last
# member of the group gets no message). Each step waits on what the logs say, not on time.
# Whether the commit inside the revoke is accepted is up to the coordinator: a member that joins or rejoins
# meanwhile (librdkafka's mock coordinator makes a member rejoin when its SyncGroup comes after the leader's)
# puts the group back to rebalancing, and the commit is refused. Then A commits again, after the rebalance,
# what it still holds; what it gave up is delivered again to B, which skips those files (the ledger).
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 8 --rows 8000 >/dev/null
valid=$(json_get "$WORK/data/expected.json" valid)
find "$WORK/data" -name '*.csv' | sort | while read -r file; do uri_message "$file"; echo; done >"$WORK/messages.txt"
start_mock 4 "$WORK/messages.txt"  # 2 messages on each partition

consume_bg "$WORK/a.out" "$WORK/a.log" --group rebalance --batch-files 1000 --batch-wait 60 --exit-when-idle 8
caught_up() { [ "$(grep -c "kafka: $TOPIC\[[0-3]\] caught up at offset 2" "$1")" = 4 ]; }
# Each partition's end comes after its messages: once A is at the end of all four, its batch holds all 8.
wait_for 30 "member A to read the 4 partitions to their end" caught_up "$WORK/a.log"
grep -q "kafka: assigned $TOPIC\[0\] $TOPIC\[1\] $TOPIC\[2\] $TOPIC\[3\]" "$WORK/a.log" || fail "A was not assigned all 4"
expect_eq "files loaded before B joins" "$(q "SELECT count(*) FROM $SCHEMA.files")" 0

# B runs until the test stops it: an idle timer could end it while rebalance rounds keep it holding nothing.
consume_bg "$WORK/b.out" "$WORK/b.log" --group rebalance --batch-wait 0.5
a_pid=${CONSUMER_PIDS[0]} b_pid=${CONSUMER_PIDS[1]}
wait_for 90 "member A to exit (idle after its revoke)" bash -c "! kill -0 $a_pid 2>/dev/null"
status=0
wait "$a_pid" || status=$?
expect_eq "member a exit code" "$status" 0
b_done() {  # B holds the 4 partitions (A is gone) and has read each to its end since it was assigned it
  local p assigned caught
  [ "$(grep "kafka: holding" "$WORK/b.log" | tail -n 1 | grep -o "$TOPIC\[" | wc -l)" = 4 ] || return 1
  for p in 0 1 2 3; do
    assigned=$(grep -n "kafka: assigned .*$TOPIC\[$p\]" "$WORK/b.log" | tail -n 1 | cut -d: -f1)
    caught=$(grep -n "kafka: $TOPIC\[$p\] caught up" "$WORK/b.log" | tail -n 1 | cut -d: -f1)
    [ -n "$assigned" ] && [ -n "$caught" ] && [ "$caught" -gt "$assigned" ] || return 1
  done
}
wait_for 60 "member B to hold and read all 4 partitions" b_done
kill -TERM "$b_pid"  # B loads what it polled, commits, and leaves: exit 130 (stopped by a signal)
wait_for 60 "member B to exit" bash -c "! kill -0 $b_pid 2>/dev/null"
status=0
wait "$b_pid" || status=$?
expect_eq "member b exit code (stopped)" "$status" 130
CONSUMER_PIDS=()
for member in a b; do
  echo "--- member $member"
  cat "$WORK/$member.out"
done

# In A's log the whole batch is loaded between the first revoke and A's next look at what it holds.
sequence=$(grep -E "kafka: (revoked|assigned|batch of|holding)" "$WORK/a.log" |
  sed -E 's/^sluice: info: kafka: //; s/ '"$TOPIC"'.*//; s/^(batch of [0-9]+ messages loaded).*/\1/')
expect_eq "member A's rebalance sequence" "$(echo "$sequence" | head -n 5 | tr '\n' '|')" \
  "assigned|holding|revoked|batch of 8 messages loaded|holding|"
if grep -q "refused" "$WORK/a.log"; then
  echo "note: A's commit was refused during the rebalance:"
  grep -E "refused|deferred|never committed" "$WORK/a.log" | sed 's/^/  /'
fi
# A loads all 8 in its revoke; whatever is delivered again afterwards (to B, or to A) is skipped.
declare -A loaded_by
for member in a b; do
  read -r listed loaded skipped failed < <(summary_files "$WORK/$member.out") || fail "no summary from $member"
  loaded_by[$member]=$loaded
  expect_eq "member $member: files failed; files skipped = files got - files loaded" "$failed $skipped" \
    "0 $((listed - loaded))"
done
expect_eq "files loaded by A, by B" "${loaded_by[a]} ${loaded_by[b]}" "8 0"
expect_eq "rows loaded" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$valid"
expect_eq "no duplicate reading" "$(q "SELECT count(DISTINCT (sensor_id, ts)) FROM $SCHEMA.readings")" "$valid"
expect_eq "ledger: loaded files, one row each" \
  "$(q "SELECT count(*) FILTER (WHERE status = 'loaded') || ' ' || count(DISTINCT uri) || ' ' || count(*) FROM $SCHEMA.files")" "8 8 8"

status=0
consume --group rebalance --exit-when-idle 4 >"$WORK/last.out" 2>"$WORK/last.log" || status=$?
expect_eq "last member's exit code" "$status" 0
grep -q "kafka: 0 messages" "$WORK/last.out" || fail "a last member got messages again: the offsets were not all committed"
echo "ok: offsets committed (a last member of the group gets nothing)"
finish
