#!/usr/bin/python3
"""What the aggregate store costs the PostgreSQL server, against a baseline sluice (by default main's build,
whose sensor_hourly is a table merged by upsert), in the same run, alternating: per variant and round, a fresh
schema, one ingest of the set (server CPU per million readings, wall time), a replacement of one file (server
CPU and wall time of that run), sensor_hourly for one day and for one month (execution time, median of 5),
and the aggregate store's size.

Server CPU is everything the local cluster did meanwhile (scripts/pg-local: one cluster per checkout, used
by nobody else): the postmaster's own and its waited-for children's CPU (backends that ended: cutime,
cstime) plus the CPU of the children still alive (WAL writer, checkpointer, autovacuum), from /proc.

usage: aggregate_store.py [--files 20] [--rows 2000000] [--runs 3] [--baseline PATH] [--sluice PATH]
                          [--variant NAME=PATH]..."""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
TICK = os.sysconf("SC_CLK_TCK")

sys.path.insert(0, HERE)
from pglocal import env, psql  # noqa: E402


def stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on


def server_ticks(postmaster):
    own = stat_fields(postmaster)
    ticks = sum(int(x) for x in own[11:15])  # utime, stime, cutime, cstime
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            f = stat_fields(name)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        if int(f[1]) == postmaster:
            ticks += int(f[11]) + int(f[12])
    return ticks


def timed_run(e, postmaster, argv):
    s0, c0, w0 = server_ticks(postmaster), resource.getrusage(resource.RUSAGE_CHILDREN), time.time()
    r = subprocess.run(argv, env=e, capture_output=True, text=True)
    w1, c1 = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    time.sleep(0.3)  # let the postmaster reap the run's backends, so their CPU is counted in cutime
    s1 = server_ticks(postmaster)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"{argv}: exit {r.returncode}: {r.stderr[-2000:]}")
    return {"wall": w1 - w0, "server_cpu": (s1 - s0) / TICK,
            "client_cpu": (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)}


def query_ms(e, sql):
    times = []
    for _ in range(5):
        plan = json.loads(psql(e, "EXPLAIN (ANALYZE, FORMAT JSON) " + sql))
        times.append(plan[0]["Execution Time"])
    return statistics.median(times)


def store_bytes(e, schema):
    return int(psql(e, f"""SELECT coalesce((SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits
        WHERE inhparent = to_regclass('{schema}.file_hourly')), 0) + CASE WHEN (SELECT relkind FROM pg_class
        WHERE oid = '{schema}.sensor_hourly'::regclass) = 'r' THEN pg_total_relation_size('{schema}.sensor_hourly')
        ELSE 0 END"""))


def one_round(e, postmaster, name, binary, folder, files, day, month):
    schema = f"bench_agg_{name}_{os.getpid()}"
    try:
        out = {"variant": name}
        base = [binary, "ingest", folder, "--schema", schema, "--progress", "never", "--quiet"]
        out["load"] = timed_run(e, postmaster, base)
        rows = int(psql(e, f"SELECT count(*) FROM {schema}.readings"))
        out["rows"] = rows
        victim = files[len(files) // 2]
        os.utime(victim, (time.time(), time.time()))
        out["replace"] = timed_run(e, postmaster, base)
        out["replace_rows"] = int(psql(e, f"SELECT rows_loaded FROM {schema}.files WHERE uri = '{victim}' "
                                          f"AND status = 'loaded'"))
        out["day_ms"] = query_ms(e, f"SELECT * FROM {schema}.sensor_hourly WHERE hour >= '{day}' "
                                    f"AND hour < '{day}'::timestamptz + interval '1 day'")
        out["month_ms"] = query_ms(e, f"SELECT * FROM {schema}.sensor_hourly WHERE hour >= '{month}' "
                                      f"AND hour < '{month}'::timestamptz + interval '1 month'")
        out["day_sensor_ms"] = query_ms(e, f"SELECT * FROM {schema}.sensor_hourly WHERE hour >= '{day}' AND hour < "
                                           f"'{day}'::timestamptz + interval '1 day' AND sensor_id = 'site01-s003'")
        out["store_bytes"] = store_bytes(e, schema)
        out["readings_bytes"] = int(psql(e, f"SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
                                            f"WHERE inhparent = '{schema}.readings'::regclass"))
        return out
    finally:
        psql(e, f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--rows", type=int, default=2000000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", default="/work/main/build/cli/sluice")
    ap.add_argument("--sluice", default=os.path.join(TOP, "build/cli/sluice"))
    ap.add_argument("--variant", action="append", default=[], help="NAME=PATH: another binary to compare")
    ap.add_argument("--out", default=os.path.join(TOP, ".sluice/bench-results"))
    a = ap.parse_args()
    e = env()
    folder = os.path.join(TOP, f".sluice/bench-data/agg-{a.files}x{a.rows}")
    if not os.path.exists(os.path.join(folder, "expected.json")):
        subprocess.run([os.path.join(TOP, "scripts/gen-data"), folder, "--files", str(a.files), "--rows",
                        str(a.rows)], check=True, stdout=subprocess.DEVNULL)
    files = sorted(os.path.join(r, n) for r, _, ns in os.walk(folder) for n in ns if n.endswith(".csv"))
    data_dir = psql(e, "SHOW data_directory")
    with open(os.path.join(data_dir, "postmaster.pid")) as f:
        postmaster = int(f.readline())
    variants = [("baseline", a.baseline), ("sluice", a.sluice)] + [tuple(v.split("=", 1)) for v in a.variant]
    results = []
    for round_no in range(a.runs):
        for name, binary in variants:
            r = one_round(e, postmaster, name, binary, folder, files, "2025-12-29", "2026-01-01")
            r["round"] = round_no
            results.append(r)
            print(json.dumps(r), flush=True)
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"aggregate-store-{time.strftime('%Y-%m-%dT%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump({"files": a.files, "rows": a.rows, "results": results,
                   "loadavg": open("/proc/loadavg").read().split()[:3]}, f, indent=1)
    print(f"\n{path}\n")
    print("| variant | server CPU-s per 1M rows (load) | load wall s | replace 1 file: server CPU-s | replace wall s "
          "| day query ms | month query ms | day, one sensor ms | store MB | readings MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, _ in variants:
        rs = [r for r in results if r["variant"] == name]
        med = lambda f: statistics.median(f(r) for r in rs)
        print(f"| {name} | {med(lambda r: r['load']['server_cpu'] / r['rows'] * 1e6):.2f} | "
              f"{med(lambda r: r['load']['wall']):.1f} | {med(lambda r: r['replace']['server_cpu']):.2f} | "
              f"{med(lambda r: r['replace']['wall']):.2f} | {med(lambda r: r['day_ms']):.1f} | "
              f"{med(lambda r: r['month_ms']):.1f} | {med(lambda r: r['day_sensor_ms']):.2f} | "
              f"{med(lambda r: r['store_bytes']) / 1e6:.1f} | {med(lambda r: r['readings_bytes']) / 1e6:.0f} |")
    base = [r for r in results if r["variant"] == "baseline"]
    for name, _ in variants[1:]:
        rs = [r for r in results if r["variant"] == name]
        ratios = [b["load"]["server_cpu"] / max(1e-9, r["load"]["server_cpu"]) for b, r in zip(base, rs)]
        print(f"- baseline/{name} server CPU of the load, per round: {', '.join(f'{x:.2f}' for x in ratios)}")


if __name__ == "__main__":
    main()
