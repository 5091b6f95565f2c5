#!/usr/bin/env bash
# sluice consume loads the files that {"uri": ...} messages announce, ignores S3 ObjectRemoved and test
# events (counted, not failed), spreads over several partitions and batches, and ends with
# --exit-when-idle: row and reject counts in SQL must equal gen-data's expected.json exactly. A file announced
# twice loads once, whichever batch the second announcement falls in (the order in which the partitions are
# polled decides that): in a later batch the ledger skips it, in the same batch it is merged into the first.
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 8 --rows 16000 >/dev/null
mapfile -t files < <(find "$WORK/data" -name '*.csv' | sort)
expect_eq "generated files" "${#files[@]}" 8
{
  for file in "${files[@]}"; do uri_message "$file"; echo; done
  s3_event "ObjectRemoved:Delete" sensors "site00/gone.csv" 0 ""; echo
  echo '{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"sensors"}'
  uri_message "${files[0]}"; echo  # announced twice: the second time it is already in the ledger
} >"$WORK/messages.txt"
start_mock 3 "$WORK/messages.txt"

status=0
consume --group load --batch-files 4 --batch-wait 1 --exit-when-idle 5 >"$WORK/consume.out" 2>"$WORK/consume.log" ||
  status=$?
cat "$WORK/consume.out"
expect_eq "exit code" "$status" 0

expect_eq "rows loaded" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$(json_get "$WORK/data/expected.json" valid)"
expect_eq "rows rejected" "$(q "SELECT count(*) FROM $SCHEMA.rejects")" "$(json_get "$WORK/data/expected.json" rejected)"
expect_eq "ledger: loaded files" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded'")" 8
expect_eq "ledger: other rows" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status <> 'loaded'")" 0
expect_eq "ledger: rows_loaded sum" "$(q "SELECT sum(rows_loaded) FROM $SCHEMA.files")" \
  "$(json_get "$WORK/data/expected.json" valid)"
# The same identity as `ingest` gives the file (absolute path, size, mtime ns), so either can skip the other's.
expect_eq "ledger uri of the first file" \
  "$(q "SELECT count(*) FROM $SCHEMA.files WHERE uri = '${files[0]}' AND size = $(stat -c %s "${files[0]}")")" 1
grep -q "kafka: 11 messages, 9 files announced, 2 events ignored (not ObjectCreated), 0 poison" "$WORK/consume.out" ||
  fail "summary does not count the messages"
read -r listed loaded skipped failed < <(summary_files "$WORK/consume.out") || fail "no summary line"
merged=$(summary_merged "$WORK/consume.out")
expect_eq "summary: files loaded, failed" "$loaded $failed" "8 0"
expect_eq "summary: the second announcement, skipped (later batch) + merged (same batch)" "$((skipped + merged))" 1
expect_eq "summary: files listed = loaded + skipped" "$listed" "$((loaded + skipped))"
expect_eq "ledger: one row per file" "$(q "SELECT count(*) || ' ' || count(DISTINCT uri) FROM $SCHEMA.files")" "8 8"
expect_eq "runs row" "$(q "SELECT status || ' ' || exit_code || ' ' || files_loaded FROM $SCHEMA.runs")" "ok 0 8"

# Running again finds nothing new: the offsets were committed.
status=0
consume --group load --exit-when-idle 4 >"$WORK/again.out" 2>"$WORK/again.log" || status=$?
expect_eq "second run exit code" "$status" 0
grep -q "kafka: 0 messages" "$WORK/again.out" || fail "the second run got messages again: $(cat "$WORK/again.out")"
finish
