#!/usr/bin/env bash
# At-least-once delivery made effectively-once by the ledger: a consumer dies (test hook
# fail point after-commit-before-offset-commit: exit 137 right after its first batch commits in PostgreSQL,
# before the Kafka offset commit, i.e. a kill -9 at the worst moment). A restarted consumer in the same
# group gets the same messages again, skips every file (the ledger has them) and loads no duplicate row;
# it commits the offsets, so a third run gets nothing.
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 6 --rows 9000 >/dev/null
valid=$(json_get "$WORK/data/expected.json" valid)
find "$WORK/data" -name '*.csv' | sort | while read -r file; do uri_message "$file"; echo; done >"$WORK/messages.txt"
start_mock 2 "$WORK/messages.txt"

status=0
# The first batch is all 6 messages: it is loaded once it is full (--batch-files 6), and its deadline
# (--batch-wait 60) is far away, so how fast the two partitions are fetched does not matter.
SLUICE_FAIL_POINTS=after-commit-before-offset-commit consume --group redelivery --batch-files 6 --batch-wait 60 \
  --exit-when-idle 10 >"$WORK/crash.out" 2>"$WORK/crash.log" || status=$?
expect_eq "crashed consumer's exit code" "$status" 137
grep -q "fail point after-commit-before-offset-commit" "$WORK/crash.log" || fail "the fail point did not fire"
expect_eq "rows after the crash" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$valid"
expect_eq "files after the crash" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded'")" 6

status=0
consume --group redelivery --batch-wait 1 --exit-when-idle 5 >"$WORK/restart.out" 2>"$WORK/restart.log" ||
  status=$?
cat "$WORK/restart.out"
expect_eq "restarted consumer's exit code" "$status" 0
grep -q "6 files: 0 loaded, 6 skipped (already loaded), 0 failed" "$WORK/restart.out" ||
  fail "the redelivered files were not all skipped"
grep -q "kafka: 6 messages" "$WORK/restart.out" || fail "the messages were not delivered again"
expect_eq "rows after the restart (no duplicates)" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$valid"
expect_eq "distinct (sensor_id, ts) = rows" "$(q "SELECT count(DISTINCT (sensor_id, ts)) FROM $SCHEMA.readings")" "$valid"
expect_eq "one file_id per file" "$(q "SELECT count(DISTINCT file_id) FROM $SCHEMA.readings")" 6
expect_eq "hourly aggregates count every row once" "$(q "SELECT sum(rows) FROM $SCHEMA.sensor_hourly")" "$valid"

status=0
consume --group redelivery --exit-when-idle 4 >"$WORK/third.out" 2>"$WORK/third.log" || status=$?
expect_eq "third consumer's exit code" "$status" 0
grep -q "kafka: 0 messages" "$WORK/third.out" || fail "offsets were not committed after the restart"
finish
