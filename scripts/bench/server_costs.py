#!/usr/bin/python3
"""What one row costs the PostgreSQL server, by table layout and COPY format: the valid-only copies of a
set (made by scripts/bench/run) are loaded by one psql process, and the backend reports its own CPU time
(pg_read_file('/proc/self/stat'), so other sessions on the server do not blur it).

usage: server_costs.py [VALID_FOLDER] [--runs 3]
default VALID_FOLDER: .sluice/bench-data/large-13x1000000.valid (scripts/bench/run --quick makes it)"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
COLS = "ts,sensor_id,temperature,humidity,pressure,battery"
TICK = os.sysconf("SC_CLK_TCK")

sys.path.insert(0, HERE)
from pglocal import env, psql  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", nargs="?", default=os.path.join(TOP, ".sluice/bench-data/large-13x1000000.valid"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    e = env()
    files = sorted(os.path.join(r, n) for r, _, ns in os.walk(a.folder) for n in ns if n.endswith(".csv"))
    sluice = os.path.join(TOP, "build/cli/sluice")
    schema = f"bench_cost_{os.getpid()}"
    tmp = tempfile.mkdtemp(prefix="sluice-bench-")
    os.chmod(tmp, 0o777)
    binfile = os.path.join(tmp, "rows.bin")
    results = {}
    try:
        # the binary form of the same rows (as sluice sends them, less file_id's value)
        subprocess.run([sluice, "schema", "init", "--schema", schema], env=e, check=True, capture_output=True)
        psql(e, f"CREATE TABLE {schema}.src ({COLS.replace(',', ' text,')} text);\n" +
             "".join(f"\\copy {schema}.src from '{p}' with (format csv, header true)\n" for p in files) +
             f"COPY (SELECT ts::timestamptz, sensor_id, temperature::float8, humidity::float8, pressure::float8, "
             f"battery::float8, 0::bigint FROM {schema}.src) TO '{binfile}' (FORMAT binary);\n"
             f"SELECT DISTINCT extract(year FROM ts::timestamptz)::int FROM {schema}.src")
        years = [int(y) for y in psql(e, f"SELECT DISTINCT extract(year FROM ts::timestamptz)::int FROM {schema}.src").split()]
        rows = int(psql(e, f"SELECT count(*) FROM {schema}.src"))
        subprocess.run(["chmod", "644", binfile])
        parts = "".join(f"CREATE TABLE {{t}}_{y} PARTITION OF {{t}} FOR VALUES FROM ('{y}-01-01 00:00:00+00') "
                        f"TO ('{y + 1}-01-01 00:00:00+00');\n" for y in years)
        like = (f"(ts timestamptz NOT NULL, sensor_id text NOT NULL, temperature float8 NOT NULL, humidity float8, "
                f"pressure float8, battery float8, file_id bigint NOT NULL DEFAULT 0)")
        variants = {
            "text CSV -> partitioned + 2 BRIN (psql baseline)": (
                "CREATE TABLE {t} " + like + " PARTITION BY RANGE (ts);\n" + parts +
                "CREATE INDEX ON {t} USING brin (ts); CREATE INDEX ON {t} USING brin (file_id);",
                "".join(f"\\copy {{t}}({COLS}) from '{p}' with (format csv, header true)\n" for p in files)),
            "binary -> partitioned + 2 BRIN (sluice's readings)": (
                "CREATE TABLE {t} " + like + " PARTITION BY RANGE (ts);\n" + parts +
                "CREATE INDEX ON {t} USING brin (ts); CREATE INDEX ON {t} USING brin (file_id);",
                f"\\copy {{t}} from '{binfile}' with (format binary)\n"),
            "binary -> partitioned, no index": (
                "CREATE TABLE {t} " + like + " PARTITION BY RANGE (ts);\n" + parts,
                f"\\copy {{t}} from '{binfile}' with (format binary)\n"),
            "binary -> plain table, no index": (
                "CREATE TABLE {t} " + like + ";",
                f"\\copy {{t}} from '{binfile}' with (format binary)\n"),
            "text CSV -> plain table, no index": (
                "CREATE TABLE {t} " + like + ";",
                "".join(f"\\copy {{t}}({COLS}) from '{p}' with (format csv, header true)\n" for p in files)),
        }
        for r in range(a.runs):
            for i, (name, (ddl, load)) in enumerate(variants.items()):
                t = f"{schema}.t{i}_{r}"
                psql(e, ddl.format(t=t) + "\nCHECKPOINT;")
                t0 = time.monotonic()
                out = psql(e, "SELECT pg_read_file('/proc/self/stat');\n" + load.format(t=t) +
                           "SELECT pg_read_file('/proc/self/stat');")
                wall = time.monotonic() - t0
                stats = [line for line in out.splitlines() if ") " in line]
                cpu = []
                for s in stats:
                    f = s[s.rindex(")") + 2:].split()
                    cpu.append((int(f[11]) + int(f[12])) / TICK)
                psql(e, f"DROP TABLE {t}")
                results.setdefault(name, []).append({"server_cpu_s": cpu[1] - cpu[0], "wall_s": wall})
        summary = {}
        for name, runs in results.items():
            cpu = statistics.median(x["server_cpu_s"] for x in runs)
            summary[name] = {"runs": len(runs), "server_cpu_s_per_1M_rows": round(cpu / rows * 1e6, 3),
                             "server_rows_per_cpu_s": round(rows / cpu) if cpu else None,
                             "wall_s_median": round(statistics.median(x["wall_s"] for x in runs), 2)}
        print(json.dumps({"rows": rows, "loadavg": os.getloadavg(), "variants": summary}, indent=1))
    finally:
        psql(e, f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
