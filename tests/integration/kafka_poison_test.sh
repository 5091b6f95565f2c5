#!/usr/bin/env bash
# Poison messages never block a partition: on a single partition, poison messages come before and between
# good ones. The good files load; each poison message is a failed ledger row kafka://topic/partition/offset
# with its reason, counted in the summary; exit code 1 (some files failed). An ObjectRemoved event is not
# poison. Re-running gets nothing: the poison offsets were committed too.
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 3 --rows 3000 >/dev/null
valid=$(json_get "$WORK/data/expected.json" valid)
mapfile -t files < <(find "$WORK/data" -name '*.csv' | sort)
{
  echo 'this is not json'                                                  # offset 0
  uri_message "${files[0]}"; echo                                          # 1
  echo ''                                                                  # 2: empty message
  echo '{"file": "/data/x.csv"}'                                           # 3: unknown shape
  uri_message "${files[1]}"; echo                                          # 4
  uri_message "$WORK/data/no-such-file.csv"; echo                          # 5: local file missing
  s3_event "ObjectRemoved:Delete" sensors "site00/gone.csv" 0 ""; echo    # 6: ignored, not poison
  echo '{"uri": "relative/path.csv"}'                                      # 7: not an absolute path
  echo '{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}}}]}'  # 8: no key
  uri_message "${files[2]}"; echo                                          # 9
} >"$WORK/messages.txt"
start_mock 1 "$WORK/messages.txt"

status=0
consume --group poison --batch-files 3 --batch-wait 1 --exit-when-idle 5 >"$WORK/consume.out" 2>"$WORK/consume.log" ||
  status=$?
cat "$WORK/consume.out"
expect_eq "exit code" "$status" 1
expect_eq "rows loaded" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$valid"
expect_eq "loaded files" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded' AND uri LIKE '/%'")" 3
expect_eq "failed ledger rows" "$(q "SELECT string_agg(uri, ' ' ORDER BY file_id) FROM $SCHEMA.files WHERE status = 'failed'")" \
  "kafka://$TOPIC/0/0 kafka://$TOPIC/0/2 kafka://$TOPIC/0/3 kafka://$TOPIC/0/5 kafka://$TOPIC/0/7 kafka://$TOPIC/0/8"
reason() { q "SELECT error FROM $SCHEMA.files WHERE uri = 'kafka://$TOPIC/0/$1'"; }
expect_eq "reason of offset 0" "$(reason 0)" "poison message: not a JSON object"
expect_eq "reason of offset 2" "$(reason 2)" "poison message: empty message"
[[ "$(reason 3)" == "poison message: unknown message shape"* ]] || fail "reason of offset 3: $(reason 3)"
expect_eq "reason of offset 5" "$(reason 5)" "poison message: $WORK/data/no-such-file.csv: no such file"
[[ "$(reason 7)" == *"expected an absolute local path"* ]] || fail "reason of offset 7: $(reason 7)"
expect_eq "reason of offset 8" "$(reason 8)" "poison message: Records[0]: no s3.object.key"
grep -q "kafka: 10 messages, 3 files announced, 1 events ignored (not ObjectCreated), 6 poison" "$WORK/consume.out" ||
  fail "summary does not count the poison messages"
grep -q "9 files: 3 loaded, 0 skipped (already loaded), 6 failed" "$WORK/consume.out" || fail "summary file counts"
grep -q "kafka://$TOPIC/0/5: poison message: .*no such file" "$WORK/consume.out" || fail "summary lists no failed files"
grep -q "warn: kafka://$TOPIC/0/0: failed: poison message" "$WORK/consume.log" || fail "no warning logged"
expect_eq "runs row" "$(q "SELECT status || ' ' || exit_code || ' ' || files_failed FROM $SCHEMA.runs")" "partial 1 6"

status=0
consume --group poison --exit-when-idle 4 >"$WORK/again.out" 2>"$WORK/again.log" || status=$?
expect_eq "second run exit code" "$status" 0
grep -q "kafka: 0 messages" "$WORK/again.out" || fail "poison offsets were not committed: $(cat "$WORK/again.out")"
finish
