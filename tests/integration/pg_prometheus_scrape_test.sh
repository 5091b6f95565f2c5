#!/usr/bin/env bash
# The metrics file through the real monitoring stack: sluice writes --metrics-file into a textfile folder,
# Debian's prometheus-node-exporter exports it (textfile collector), Debian's prometheus scrapes it with the
# alert rules of examples/prometheus loaded. The query API must return the run's summary JSON figures, the
# rules must be loaded and healthy, and a run with a failed file must make SluiceFilesFailed pending while
# the last success time of the earlier run stays.
source "$(dirname "$0")/lib.sh"
trap 'exit 143' TERM INT  # so that the EXIT trap (cleanup) also stops the servers on a signal

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# wait_for SECONDS WHAT COMMAND...: polls COMMAND every 0.2 s until it succeeds.
wait_for() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      tail -n 20 "$work"/*.log >&2 || true
      fail "waited $limit s for $what"
    fi
    sleep 0.2
  done
}
# start_server NAME COMMAND...: runs a server in the background, stopped by the cleanup; a watchdog also
# stops it if this script dies without running its cleanup (SIGKILL).
start_server() {
  local name=$1
  shift
  "$@" >"$work/$name.log" 2>&1 &
  local pid=$!
  cleanup_hooks+=("kill $pid 2>/dev/null; wait $pid 2>/dev/null")
  (while kill -0 $$ 2>/dev/null; do sleep 1; done; kill "$pid" 2>/dev/null) >/dev/null 2>&1 &
  cleanup_hooks+=("kill $! 2>/dev/null")
}

textfiles="$work/textfile"
mkdir -p "$textfiles"
gen_data "$work/data" --files 3 --rows 6000

# Run 1: everything loads (a few rejected rows).
run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet \
  --metrics-file "$textfiles/sluice.prom" --summary-json "$work/run1.json" >/dev/null 2>"$work/run1.err"
expect_eq "$rc" 0 "run 1 exit code"

node_port=$(free_port)
start_server node_exporter prometheus-node-exporter --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$textfiles" --web.listen-address="127.0.0.1:$node_port"
prom_port=$(free_port)
api="http://127.0.0.1:$prom_port/api/v1"
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $SLUICE_TOP/examples/prometheus/sluice-alerts.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:$node_port"]
EOF
start_server prometheus prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port"
wait_for 120 "Prometheus to be ready" curl -fs -o /dev/null "http://127.0.0.1:$prom_port/-/ready"

# query EXPR...: per expression one line: its series as "label=value,... value", sorted, joined by ";".
# summary FILE EXPR...: per Python expression over the summary JSON (d) one line. One process per call keeps
# the checks quick on a loaded machine.
cat >"$work/query.py" <<'EOF'
import json, sys, urllib.parse, urllib.request
for expr in sys.argv[2:]:
    with urllib.request.urlopen(sys.argv[1] + "/query?" + urllib.parse.urlencode({"query": expr}), timeout=30) as answer:
        result = json.load(answer)["data"]["result"]
    print(";".join(sorted(",".join(f"{k}={v}" for k, v in sorted(r["metric"].items()) if k != "__name__")
                          + " " + r["value"][1] for r in result)))
EOF
query() { python3 "$work/query.py" "$api" "$@"; }
summary() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); [print(eval(e)) for e in sys.argv[2:]]' "$@"; }
value() { query "$1" | awk '{print $NF}'; }
has_value() { [ "$(value "$1")" = "$2" ]; }
has_series() { [ -n "$(query "$1")" ]; }
# check_run SUMMARY_JSON WHAT 'PROMQL=>PYTHON'...: each query's value equals the summary's figure.
check_run() {
  local file=$1 what=$2 pair i got want exprs=() figures=()
  shift 2
  for pair in "$@"; do
    exprs+=("${pair%%=>*}")
    figures+=("${pair#*=>}")
  done
  mapfile -t got < <(query "${exprs[@]}")
  mapfile -t want < <(summary "$file" "${figures[@]}")
  for i in "${!exprs[@]}"; do expect_eq "${got[$i]##* }" "${want[$i]}" "$what: ${exprs[$i]}"; done
}

wait_for 120 "the run's metrics in Prometheus" has_series 'sluice_run_exit_code{job="node"}'
seen=$(date +%s)
expect_eq "$(query 'sluice_run_exit_code')" "instance=127.0.0.1:$node_port,job=node,shard=0-1 0" \
  "run 1: exit code, with the exporter's instance and sluice's shard label"
check_run "$work/run1.json" "run 1" \
  'sluice_run_files{status="loaded"}=>d["files"]["loaded"]' 'sluice_run_files{status="failed"}=>d["files"]["failed"]' \
  'sluice_run_rows{status="loaded"}=>d["rows"]["loaded"]' 'sluice_run_rows{status="rejected"}=>d["rows"]["rejected"]' \
  'count(sluice_run_rejected_rows)=>len(d["rejects_by_reason"])'
expect_eq "$(query 'sluice_run_rejected_rows' | tr ';' '\n' | sed 's/.*reason=\([^,]*\),.* \(.*\)/\1=\2/' | LC_ALL=C sort | paste -sd ' ')" \
  "$(summary "$work/run1.json" '" ".join(sorted(f"{k}={v}" for k, v in d["rejects_by_reason"].items()))')" \
  "run 1: rejected rows by reason"
[ "$(summary "$work/run1.json" 'd["rows"]["rejected"] > 0')" = True ] || fail "gen-data made no rejects"
success1=$(value 'sluice_run_last_success_timestamp_seconds')
[ -n "$success1" ] && [ "$success1" -le "$seen" ] && [ "$success1" -gt $((seen - 600)) ] ||
  fail "run 1: last success time '$success1' is not the run's time"
echo "ok - run 1: last success time $success1"

# The rules: all of examples/prometheus loaded and healthy, evaluated after the run's series arrived.
rules_state() {
  curl -fsS "$api/rules" | python3 -c '
import datetime, json, sys
seen = float(sys.argv[1])
groups = json.load(sys.stdin)["data"]["groups"]
rules = [r for g in groups for r in g["rules"]]
evaluated = all(datetime.datetime.fromisoformat(g["lastEvaluation"][:26].rstrip("Z") + "+00:00").timestamp() > seen + 1
                for g in groups)
if not rules or not evaluated or any(r["health"] != "ok" for r in rules):
    sys.exit(1)
for r in sorted(rules, key=lambda r: r["name"]):
    print(r["name"], r["type"], r["health"], r["state"])' "$1"
}
wait_for 60 "the rules to be evaluated after the first scrape" rules_state "$seen" >/dev/null
ratio_state=$(summary "$work/run1.json" '"pending" if d["rows"]["rejected"] / (d["rows"]["loaded"] + d["rows"]["rejected"]) > 0.05 and d["rows"]["loaded"] + d["rows"]["rejected"] >= 1000 else "inactive"')
expect_eq "$(rules_state "$seen" | paste -sd ';')" \
  "SluiceConsumerNotCommitting alerting ok inactive;SluiceFilesFailed alerting ok inactive;SluiceNoRecentSuccess alerting ok inactive;SluiceRejectRatioHigh alerting ok $ratio_state;SluiceRunFatal alerting ok inactive" \
  "run 1: the rules, loaded and healthy; none pending for an ok run"

# Run 2: a broken file fails; the others are skipped (already loaded).
printf 'time,device\n1,2\n' >"$work/data/broken.csv"
run_sluice ingest "$work/data" --schema "$schema" --progress never --quiet \
  --metrics-file "$textfiles/sluice.prom" --summary-json "$work/run2.json" >/dev/null 2>"$work/run2.err"
expect_eq "$rc" 1 "run 2 exit code (one broken file)"
wait_for 120 "run 2's metrics in Prometheus" has_value 'sluice_run_exit_code' 1
check_run "$work/run2.json" "run 2" \
  'sluice_run_files{status="failed"}=>d["files"]["failed"]' 'sluice_run_files{status="skipped"}=>d["files"]["skipped"]' \
  'sluice_run_files{status="loaded"}=>d["files"]["loaded"]' 'sluice_run_rows{status="loaded"}=>d["rows"]["loaded"]'
expect_eq "$(value 'sluice_run_last_success_timestamp_seconds')" "$success1" "run 2: the last success time of run 1 stays"

# SluiceFilesFailed (for: 5m) goes pending on the failed file, with its labels and annotations rendered.
wait_for 60 "SluiceFilesFailed to go pending" has_series 'ALERTS{alertname="SluiceFilesFailed",alertstate="pending"}'
expect_eq "$(query 'ALERTS{alertname="SluiceFilesFailed"}')" \
  "alertname=SluiceFilesFailed,alertstate=pending,instance=127.0.0.1:$node_port,job=node,severity=warning,shard=0-1,status=failed 1" \
  "run 2: SluiceFilesFailed pending for the failed file"
expect_eq "$(curl -fsS "$api/alerts" | python3 -c '
import json, sys
alerts = [a for a in json.load(sys.stdin)["data"]["alerts"] if a["labels"]["alertname"] == "SluiceFilesFailed"]
print(" | ".join(a["annotations"]["summary"] for a in alerts))')" \
  "sluice on 127.0.0.1:$node_port shard 0-1: files failed" "run 2: the alert's summary names instance and shard"
expect_eq "$(query 'ALERTS{alertname=~"SluiceNoRecentSuccess|SluiceRunFatal"}')" "" \
  "run 2: no 'no recent success' or 'fatal' alert (the last success is recent, exit 1 is not fatal)"
