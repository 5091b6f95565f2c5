#!/usr/bin/env bash
# Two consumers of one group share a 4-partition topic at the same time: each is assigned two partitions,
# each loads its share, and every file is loaded exactly once (ledger, row counts per file_id, no
# duplicate readings), with the totals of gen-data's expected.json.
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 16 --rows 16000 >/dev/null
valid=$(json_get "$WORK/data/expected.json" valid)
mapfile -t files < <(find "$WORK/data" -name '*.csv' | sort)
expect_eq "generated files" "${#files[@]}" 16
start_mock 4  # no messages yet: they are produced once both members hold their partitions

# --exit-when-idle 20: the files are produced only once both members hold two partitions, so neither may
# count as idle before then. A member cannot see a rebalance another member's join started until its next
# heartbeat is answered; on a loaded machine a short idle time let the first member exit before that.
for member in a b; do
  consume_bg "$WORK/$member.out" "$WORK/$member.log" --group shared --batch-files 2 --batch-wait 0.2 --exit-when-idle 20
done
two_each() {  # after the latest rebalance, each member holds two partitions
  local member
  for member in a b; do
    [ "$(grep 'kafka: holding' "$WORK/$member.log" | tail -n 1 | grep -o '\[' | wc -l)" = 2 ] || return 1
  done
}
wait_for 30 "both members to hold two partitions" two_each
for file in "${files[@]}"; do produce "$(uri_message "$file")"; done  # 4 per partition, round robin

index=0
for member in a b; do
  pid=${CONSUMER_PIDS[$index]}
  wait_for 90 "consumer $member to exit" bash -c "! kill -0 $pid 2>/dev/null"
  status=0
  wait "$pid" || status=$?
  cat "$WORK/$member.out"
  expect_eq "consumer $member exit code" "$status" 0
  loaded[$index]=$(sed -n 's/^sluice: [0-9,]* files: \([0-9,]*\) loaded.*/\1/p' "$WORK/$member.out")
  [ "${loaded[$index]:-0}" -gt 0 ] || fail "consumer $member loaded nothing: the partitions were not shared"
  index=$((index + 1))
done
CONSUMER_PIDS=()
expect_eq "files loaded by a + b" "$((loaded[0] + loaded[1]))" 16

expect_eq "rows loaded" "$(q "SELECT count(*) FROM $SCHEMA.readings")" "$valid"
expect_eq "rows rejected" "$(q "SELECT count(*) FROM $SCHEMA.rejects")" "$(json_get "$WORK/data/expected.json" rejected)"
expect_eq "no duplicate reading" "$(q "SELECT count(DISTINCT (sensor_id, ts)) FROM $SCHEMA.readings")" "$valid"
expect_eq "ledger: loaded files" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status = 'loaded'")" 16
expect_eq "ledger: one row per file" "$(q "SELECT count(DISTINCT uri) FROM $SCHEMA.files")" 16
expect_eq "files whose readings differ from their ledger row" "$(q "
  SELECT count(*) FROM $SCHEMA.files f
  FULL JOIN (SELECT file_id, count(*) AS n FROM $SCHEMA.readings GROUP BY file_id) r USING (file_id)
  WHERE r.n IS DISTINCT FROM f.rows_loaded")" 0
expect_eq "runs rows: two members, files loaded" \
  "$(q "SELECT count(*) || ' ' || sum(files_loaded) FROM $SCHEMA.runs WHERE status = 'ok'")" "2 16"
finish
