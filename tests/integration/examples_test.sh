# The examples compile and load: the Airflow DAG is valid Python, the sample config and sample file
# give the outcome examples/sample/README.md states (dry run: no database needed).
set -euo pipefail
: "${SLUICE_BIN:?}" "${SLUICE_TOP:?}"
python3 -m py_compile "$SLUICE_TOP/examples/airflow/sluice_backfill_dag.py"
echo "ok - Airflow DAG compiles"
out=$("$SLUICE_BIN" ingest --dry-run "$SLUICE_TOP/examples/sample" --config "$SLUICE_TOP/examples/config.json" --progress never)
echo "$out"
grep -q "rows: 5 loaded, 3 rejected" <<< "$out" || { echo "FAIL: sample outcome"; exit 1; }
systemd-analyze verify "$SLUICE_TOP/examples/systemd/sluice-consume.service" 2>/dev/null || true  # not on every machine
grep -q 'flock -n' "$SLUICE_TOP/examples/cron/sluice.cron"
echo "ok - examples"
