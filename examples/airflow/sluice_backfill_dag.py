"""Fan a sensor backfill out over N Airflow tasks with sluice.

`sluice plan` lists the sources once and writes N disjoint manifests (files split by a stable hash of
their uri); dynamic task mapping then runs one BashOperator per manifest. The file ledger in PostgreSQL
makes retries and overlaps harmless: a retried task skips what its earlier try committed.

sluice exit codes, mapped for Airflow:
  0   all loaded                        -> success
  1   done, some files failed / rejects -> exit 99 -> task "skipped" (visible, not retried: the bad files
                                           are in the ledger with their reasons: `sluice status`)
  2   usage or config error             -> failed (fix the DAG; retries will fail the same way)
  3   database unreachable after retries-> failed -> Airflow retries with exponential backoff
  130 stopped by a signal (drained)     -> failed -> retried, resumes where it stopped
"""
import json
from datetime import timedelta

import pendulum
from airflow import DAG
from airflow.decorators import task
from airflow.operators.bash import BashOperator

SOURCE = "s3://sensor-drop/raw/{{ ds }}/"
SHARDS = 8
DB = "postgresql://sluice@db.internal:5432/sensors"  # password from PGPASSWORD / ~/.pgpass, never here
MANIFESTS = "/data/sluice/manifests/{{ ds }}"

default_args = {
    "retries": 3,
    "retry_delay": timedelta(minutes=2),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
}

with DAG(
    dag_id="sluice_backfill",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    default_args=default_args,
    max_active_tasks=SHARDS,
    tags=["sluice", "sensors"],
) as dag:
    # The last line of stdout is a JSON array: [{"shard": "0/8", "manifest": "...", "files": .., "bytes": ..}, ...]
    plan = BashOperator(
        task_id="plan",
        bash_command=f"sluice plan '{SOURCE}' --shards {SHARDS} --out '{MANIFESTS}'",
        do_xcom_push=True,
    )

    @task
    def ingest_commands(plan_output: str) -> list:
        shards = json.loads(plan_output)
        return [
            f"sluice ingest '@{s['manifest']}' --db '{DB}' --progress never "
            f"--summary-json '{s['manifest']}.summary.json' --pushgateway http://pushgateway.internal:9091; "
            "rc=$?; if [ $rc -eq 1 ]; then exit 99; fi; exit $rc"
            for s in shards
            if s["files"] > 0
        ]

    ingest = BashOperator.partial(
        task_id="ingest",
        skip_on_exit_code=99,
        execution_timeout=timedelta(hours=6),
    ).expand(bash_command=ingest_commands(plan.output))

    plan >> ingest
