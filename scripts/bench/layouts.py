"""The storage-layout dimension of the benchmark (scripts/bench/run): a blocks config beside the default rows
layout, the bytes per reading each layout stores (tables and indexes), and three queries timed on a loaded
schema -- a full-scan aggregate, a 6-hour window over all sensors and one sensor over one day -- through the rows
table, and in the blocks layout through the `readings` view and the readings_between fast path."""
import json
import os
import re
import statistics
import subprocess

QUERY_RUNS = 3  # timed runs per query, after one untimed run that warms the cache


def blocks_config(top, out_dir):
    """The default sensor format with "layout": "blocks", written to out_dir; returns its path."""
    with open(os.path.join(top, "examples/config.json")) as f:
        config = json.load(f)
    config.pop("schema", None)
    config["layout"] = "blocks"
    path = os.path.join(out_dir, "blocks-config.json")
    with open(path, "w") as f:
        json.dump(config, f)
    return path


def _psql(env, sql):
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], env=env, text=True,
                       capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {sql[:200]}: {r.stderr}")
    return r.stdout.strip()


def stored_bytes(env, schema, layout):
    """Bytes of every table and index holding readings and their hourly aggregates (all partitions, TOAST
    included): the blocks carry most of their aggregates, where the rows layout keeps them all in file_hourly."""
    tables = (["readings"] if layout == "rows" else ["blocks", "loose_readings"]) + ["file_hourly"]
    parts = " + ".join(f"(SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM "
                       f"pg_partition_tree('{schema}.{t}'))" for t in tables)
    return int(_psql(env, f"SELECT {parts}"))


def _timed_ms(env, sql):
    """Median of QUERY_RUNS runs of `sql` in one psql session (\\timing), after one warm-up run."""
    script = "\\timing on\n" + f"{sql};\n" * (QUERY_RUNS + 1)
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=script, env=env, text=True,
                       capture_output=True)
    if r.returncode != 0:
        raise RuntimeError(f"psql failed: {sql[:200]}: {r.stderr}")
    times = [float(m) for m in re.findall(r"^Time: ([0-9.]+) ms", r.stdout, re.M)]
    return statistics.median(times[1:])


def queries(schema, layout, day, sensor):
    """The three queries as (name, SQL) for one layout; `day` is 'YYYY-MM-DD', the day with the most readings."""
    s = schema
    full = f"SELECT count(*), avg(temperature), max(humidity) FROM {s}.readings"
    window = (f"'{day} 06:00:00+00'", f"'{day} 12:00:00+00'")
    whole_day = (f"'{day} 00:00:00+00'", f"'{day} 00:00:00+00'::timestamptz + interval '1 day'")
    agg = "count(*), avg(temperature), max(humidity)"
    if layout == "rows":
        return [("full_scan", full),
                ("window_6h", f"SELECT {agg} FROM {s}.readings WHERE ts >= {window[0]} AND ts < {window[1]}"),
                ("sensor_day", f"SELECT {agg} FROM {s}.readings WHERE sensor_id = '{sensor}' AND ts >= "
                               f"{whole_day[0]} AND ts < {whole_day[1]}")]
    return [("full_scan", full),
            ("window_6h", f"SELECT {agg} FROM {s}.readings_between({window[0]}, {window[1]})"),
            ("window_6h_view", f"SELECT {agg} FROM {s}.readings WHERE ts >= {window[0]} AND ts < {window[1]}"),
            ("sensor_day", f"SELECT {agg} FROM {s}.readings_between({whole_day[0]}, {whole_day[1]}, "
                           f"ARRAY['{sensor}'])"),
            ("sensor_day_view", f"SELECT {agg} FROM {s}.readings WHERE sensor_id = '{sensor}' AND ts >= "
                                f"{whole_day[0]} AND ts < {whole_day[1]}")]


def measure(env, schema, layout, rows):
    """Bytes per reading and the query timings (ms) of a loaded schema."""
    tables = ["readings"] if layout == "rows" else ["blocks", "loose_readings"]
    for table in tables:  # both layouts alike: visibility map set, statistics for the planner
        _psql(env, f"VACUUM ANALYZE {schema}.{table}")
    day, sensor = _psql(env, f"SELECT date_trunc('day', ts)::date, min(sensor_id) FROM {schema}.readings "
                             "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").split("|")
    out = {"bytes": stored_bytes(env, schema, layout)}
    out["bytes_per_reading"] = out["bytes"] / rows if rows else 0
    out["query_ms"] = {name: _timed_ms(env, sql) for name, sql in queries(schema, layout, day, sensor)}
    return out


def print_layouts(summary, measured):
    """The side-by-side table: rows/s, server CPU per million readings, bytes per reading, query times."""
    names = [n for n in ("c_sluice", "c_sluice_blocks") if n in summary and n in measured]
    if not names:
        return
    print(f"\n  {'layout':<18}{'rows/s':>12}{'srv cpu s/M':>13}{'B/reading':>11}  queries (ms)")
    for name in names:
        s, m = summary[name], measured[name]
        per_million = s["server_cpu_s"] / s["rows_loaded"] * 1e6 if s.get("rows_loaded") else 0
        q = ", ".join(f"{k} {v:.1f}" for k, v in m["query_ms"].items())
        print(f"  {name:<18}{s['rows_per_s']:>12,.0f}{per_million:>13.2f}{m['bytes_per_reading']:>11.1f}  {q}")
