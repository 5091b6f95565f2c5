#!/usr/bin/env bash
# An offset commit the coordinator refuses because the group is rebalancing (REBALANCE_IN_PROGRESS) is not
# given up: the consumer commits those offsets again (after the rebalance, from its poll loop, or before it
# gives the partition up), so a restart does not get the batch again. The mock refuses the first OffsetCommit
# request (kafka_mock --refuse-commits 1); the one batch is all 4 messages (full at --batch-files 4, its
# deadline far away), so only a retry can commit its offsets.
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 4 --rows 4000 >/dev/null
valid=$(json_get "$WORK/data/expected.json" valid)
find "$WORK/data" -name '*.csv' | sort | while read -r file; do uri_message "$file"; echo; done >"$WORK/messages.txt"
MOCK_ARGS=(--refuse-commits 1)
start_mock 1 "$WORK/messages.txt"

status=0
consume --group retry --batch-files 4 --batch-wait 60 --exit-when-idle 4 >"$WORK/first.out" 2>"$WORK/first.log" ||
  status=$?
cat "$WORK/first.out"
expect_eq "exit code" "$status" 0
grep -q "warn: kafka: committing offsets $TOPIC\[0\]@4 refused (Broker: Group rebalance in progress)" "$WORK/first.log" ||
  fail "the refused commit was not logged"
grep -q "info: kafka: deferred offsets $TOPIC\[0\]@4 committed" "$WORK/first.log" || fail "the refused commit was not retried"
expect_eq "rows loaded" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$valid"
expect_eq "ledger: loaded files" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded'")" 4

status=0
consume --group retry --exit-when-idle 4 >"$WORK/again.out" 2>"$WORK/again.log" || status=$?
expect_eq "second run exit code" "$status" 0
grep -q "kafka: 0 messages" "$WORK/again.out" || fail "the second run got messages again: the retried commit did not land"
finish
