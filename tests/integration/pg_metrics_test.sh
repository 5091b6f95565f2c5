# the metrics file passes `promtool check metrics`, carries the run's counts with the shard and --metrics-label
# labels on every sample, and a push to a real Pushgateway on loopback can be read back, grouped by job, shard and
# those labels; a bad --metrics-label is a usage error; the summary JSON has the documented fields.
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 3 --rows 9000
exp="$work/data/expected.json"
printf 'time,device\n1,2\n' > "$work/data/broken.csv"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# In memory only: Debian's default persistence file (/var/lib/prometheus/pushgateway.data) is shared by every run.
prometheus-pushgateway --web.listen-address="127.0.0.1:$port" --persistence.file= > "$work/pushgateway.log" 2>&1 &
gateway=$!
cleanup_hooks+=("kill $gateway 2>/dev/null; wait $gateway 2>/dev/null")
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1 && break; sleep 0.1; done

run_sluice ingest "$work/data" --schema "$schema" --shard 0/1 --progress never --quiet \
  --metrics-file "$work/sluice.prom" --pushgateway "http://127.0.0.1:$port" --summary-json "$work/summary.json" \
  --metrics-label pipeline=weather --metrics-label region=eu-1 >/dev/null 2>&1
expect_eq "$rc" 1 "exit code (one broken file)"
promtool check metrics < "$work/sluice.prom" || fail "promtool check metrics rejected the file"
echo "ok - promtool check metrics"
# metric NAME [LABEL="VALUE"] FILE: the sample's value, its identity labels (shard, --metrics-label) first.
ids='shard="0-1",pipeline="weather",region="eu-1"'
metric() {
  if [ $# -eq 3 ]; then awk -v m="$1{$ids,$2}" '$1 == m { print $2 }' "$3"; else awk -v m="$1{$ids}" '$1 == m { print $2 }' "$2"; fi
}
expect_eq "$(metric sluice_run_rows 'status="loaded"' "$work/sluice.prom")" "$(json "$exp" 'd["valid"]')" "metrics file: rows loaded"
expect_eq "$(metric sluice_run_files 'status="failed"' "$work/sluice.prom")" 1 "metrics file: failed files"
expect_eq "$(metric sluice_run_rejected_rows 'reason="columns"' "$work/sluice.prom")" "$(json "$exp" 'd["reasons"]["columns"]')" "metrics file: columns rejects"
expect_eq "$(metric sluice_run_exit_code "$work/sluice.prom")" 1 "metrics file: exit code"
expect_eq "$(grep -v '^#' "$work/sluice.prom" | grep -cv "{$ids[,}]" || true)" 0 "metrics file: samples without the identity labels"

curl -fsS "http://127.0.0.1:$port/metrics" > "$work/gateway.txt"
expect_eq "$(grep '^sluice_run_rows{' "$work/gateway.txt" | grep 'status="loaded"' | grep 'job="sluice"' | grep 'shard="0-1"' |
  grep 'pipeline="weather"' | grep 'region="eu-1"' | awk '{print $2}')" \
  "$(json "$exp" 'd["valid"]')" "pushgateway: rows loaded, grouped by job, shard and the --metrics-label labels"
expect_eq "$(curl -fsS "http://127.0.0.1:$port/api/v1/metrics" | python3 -c '
import json, sys
print(" ".join(sorted(f"{k}={v}" for g in json.load(sys.stdin)["data"] for k, v in g["labels"].items())))')" \
  "job=sluice pipeline=weather region=eu-1 shard=0-1" "pushgateway: the grouping key"

# A --metrics-label Prometheus would not take, or one that would clash, is a usage error before any file is read.
for bad in "no-equals" "9name=x" "__name=x" "status=x" "job=x" "instance=x" "pipeline=" "pipeline=a b" "pipeline=a/b"; do
  run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet --metrics-label "$bad" >/dev/null 2>"$work/bad.err"
  expect_eq "$rc" 2 "--metrics-label $bad: exit code"
  grep -q -- "--metrics-label" "$work/bad.err" || fail "--metrics-label $bad: the error does not name the flag: $(cat "$work/bad.err")"
done
run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet --metrics-label a=1 --metrics-label a=2 >/dev/null 2>"$work/bad.err"
expect_eq "$rc" 2 "--metrics-label given twice: exit code"

# The summary JSON: every documented field, with the right counts.
expect_eq "$(json "$work/summary.json" 'sorted(d.keys())')" \
  "['batches', 'bytes', 'dry_run', 'error', 'exit_code', 'failed_files', 'files', 'mb_per_second', 'rejects_by_reason', 'retries', 'rows', 'rows_per_second', 'seconds', 'stage_seconds', 'status', 'units']" \
  "summary fields"
expect_eq "$(json "$work/summary.json" 'd["files"]')" "{'listed': 4, 'loaded': 3, 'replaced': 0, 'skipped': 0, 'failed': 1, 'given_up': 0, 'linked': 0}" "summary files"
expect_eq "$(json "$work/summary.json" 'd["rows"]["loaded"] + d["rows"]["rejected"]')" "$(json "$exp" 'd["rows"]')" "summary rows add up to the generated rows"
expect_eq "$(json "$work/summary.json" 'd["status"], d["exit_code"], d["failed_files"][0]["uri"].endswith("broken.csv")')" "partial 1 True" "summary status"
