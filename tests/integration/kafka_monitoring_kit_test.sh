#!/usr/bin/env bash
# The operations kit against what sluice really writes: an `ingest` run (loaded, rejected and failed files) and a
# `consume` run (Kafka metrics, last commit time) write --metrics-file; every metric and label that the Grafana
# dashboard (examples/grafana/sluice.json) and the alert rules (examples/prometheus/sluice-alerts.yml) use must
# be among theirs. The checker is shown to catch a misspelt metric and a label sluice does not write.
source "$(dirname "$0")/kafka_common.sh"
checker="$SLUICE_TOP/tests/monitoring/check_monitoring_kit.py"
dashboard="$SLUICE_TOP/examples/grafana/sluice.json"
rules="$SLUICE_TOP/examples/prometheus/sluice-alerts.yml"

# ingest: 3 files with rejects, one broken file (fails), into this test's schema.
"$SLUICE_TOP/scripts/gen-data" "$WORK/batch" --files 3 --rows 3000 >/dev/null
printf 'time,device\n1,2\n' >"$WORK/batch/broken.csv"
status=0
"$SLUICE_BIN" ingest "$WORK/batch" --schema "$SCHEMA" --progress never --quiet --metrics-file "$WORK/ingest.prom" \
  --metrics-label pipeline=kit >/dev/null 2>"$WORK/ingest.log" || status=$?
expect_eq "ingest exit code (one broken file)" "$status" 1
grep -q '^sluice_run_files{shard="0-1",pipeline="kit",status="failed"} 1$' "$WORK/ingest.prom" ||
  fail "ingest metrics lack the failed file: $(cat "$WORK/ingest.prom")"

# consume: 2 files announced on the mock topic, committed.
"$SLUICE_TOP/scripts/gen-data" "$WORK/stream" --files 2 --rows 2000 >/dev/null
mapfile -t files < <(find "$WORK/stream" -name '*.csv' | sort)
for file in "${files[@]}"; do uri_message "$file"; echo; done >"$WORK/messages.txt"
start_mock 1 "$WORK/messages.txt"
status=0
consume --group kit --batch-wait 1 --exit-when-idle 3 --quiet --metrics-file "$WORK/consume.prom" \
  --metrics-label pipeline=kit >/dev/null 2>"$WORK/consume.log" || status=$?
expect_eq "consume exit code" "$status" 0
grep -q '^sluice_kafka_last_commit_timestamp_seconds{shard="0-1",pipeline="kit"} [0-9]' "$WORK/consume.prom" ||
  fail "consume metrics lack the last commit time: $(cat "$WORK/consume.prom")"

python3 "$checker" --dashboard "$dashboard" --rules "$rules" "$WORK/ingest.prom" "$WORK/consume.prom" ||
  fail "the dashboard or the rules use metrics or labels sluice does not write"
echo "ok - dashboard and alert rules use only what sluice writes"

# The checker fails when it should: a misspelt metric on the dashboard, a label no sluice metric has in a rule.
sed '0,/sluice_run_rows{/s//sluice_run_row{/' "$dashboard" >"$WORK/typo.json"
if python3 "$checker" --dashboard "$WORK/typo.json" --rules "$rules" "$WORK/ingest.prom" "$WORK/consume.prom" \
  >"$WORK/typo.out"; then
  fail "the checker accepted a dashboard with sluice_run_row"
fi
grep -q 'sluice_run_row is not a metric sluice writes' "$WORK/typo.out" || fail "$(cat "$WORK/typo.out")"
sed 's/status=~"failed|given_up"/state=~"failed|given_up"/' "$rules" >"$WORK/typo.yml"
if python3 "$checker" --dashboard "$dashboard" --rules "$WORK/typo.yml" "$WORK/ingest.prom" "$WORK/consume.prom" \
  >"$WORK/typo.out"; then
  fail "the checker accepted a rule selecting on a label sluice does not write"
fi
grep -q 'sluice_run_files has no label state' "$WORK/typo.out" || fail "$(cat "$WORK/typo.out")"
# Without the consumer's file, the Kafka metrics are not known: the names really come from the runs.
if python3 "$checker" --dashboard "$dashboard" --rules "$rules" "$WORK/ingest.prom" >"$WORK/typo.out"; then
  fail "the checker accepted Kafka metrics that no given run wrote"
fi
grep -q 'sluice_kafka_last_commit_timestamp_seconds is not a metric sluice writes' "$WORK/typo.out" ||
  fail "$(cat "$WORK/typo.out")"
echo "ok - the checker rejects a misspelt metric, an unknown label and metrics no run wrote"
finish
