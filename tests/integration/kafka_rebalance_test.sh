#!/usr/bin/env bash
# A rebalance finishes the batch in flight before giving partitions up: member A polls every message into
# one batch it would hold for 60 s (--batch-wait 60); member B joins the group; A's revoke loads that batch
# and commits its offsets before unassigning, so B, which then owns half of the partitions, receives
# nothing again. Every file is loaded once.
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 8 --rows 8000 >/dev/null
valid=$(json_get "$WORK/data/expected.json" valid)
find "$WORK/data" -name '*.csv' | sort | while read -r file; do uri_message "$file"; echo; done >"$WORK/messages.txt"
start_mock 4 "$WORK/messages.txt"

consume --group rebalance --batch-files 1000 --batch-wait 60 --exit-when-idle 8 >"$WORK/a.out" 2>"$WORK/a.log" &
CONSUMER_PIDS+=($!)
wait_for 20 "member A to hold the 4 partitions" grep -q "kafka: assigned $TOPIC\[0\] $TOPIC\[1\] $TOPIC\[2\] $TOPIC\[3\]" "$WORK/a.log"
sleep 3  # A fetches the 8 messages (milliseconds) and holds them in its batch
expect_eq "files loaded before B joins" "$(q "SELECT count(*) FROM $SCHEMA.files")" 0

consume --group rebalance --batch-wait 0.5 --exit-when-idle 8 >"$WORK/b.out" 2>"$WORK/b.log" &
CONSUMER_PIDS+=($!)
index=0
for member in a b; do
  pid=${CONSUMER_PIDS[$index]}
  wait_for 45 "member $member to exit" bash -c "! kill -0 $pid 2>/dev/null"
  status=0
  wait "$pid" || status=$?
  echo "--- member $member"
  cat "$WORK/$member.out"
  expect_eq "member $member exit code" "$status" 0
  index=$((index + 1))
done
CONSUMER_PIDS=()

# In A's log the batch is loaded and committed between the revoke and the next assignment.
sequence=$(grep -E "kafka: (revoked|assigned|batch of)" "$WORK/a.log" | sed -E 's/^sluice: info: kafka: //; s/ '"$TOPIC"'.*//')
expect_eq "member A's rebalance sequence" "$(echo "$sequence" | head -n 3 | tr '\n' '|')" \
  "assigned|revoked|batch of 8 messages loaded, offsets committed|"
grep -q "8 files: 8 loaded" "$WORK/a.out" || fail "member A did not load the 8 files"
grep -q "kafka: 0 messages" "$WORK/b.out" || fail "member B got messages again: A's offsets were not committed before the revoke"
expect_eq "rows loaded" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$valid"
expect_eq "ledger: loaded files" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded'")" 8
finish
