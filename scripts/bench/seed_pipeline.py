#!/usr/bin/python3
"""The kind of Python pipeline sluice replaces, as the benchmark's reference: pandas reads each
file, every row is validated in Python (the same rules as sluice: sensor_rules.py), valid rows go in with
psycopg2's executemany (one INSERT per row), rejects and the sensor-hour aggregates (upserted) likewise,
and a ledger row; one transaction per file. Same tables as sluice (`sluice schema init --schema S` first).

usage: seed_pipeline.py FOLDER --schema S   (PG* environment variables select the database)
Prints one JSON line: files, rows_loaded, rows_rejected, seconds."""
import argparse
import csv
import json
import os
import sys
import time

import pandas as pd
import psycopg2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sensor_rules  # noqa: E402

BATCH = 10_000


def files_in(folder):
    for root, dirs, names in os.walk(folder):
        dirs.sort()
        for name in sorted(names):
            if name.endswith(".csv"):
                yield os.path.join(root, name)


def load_file(conn, schema, path):
    # One column per line, so that a row with a wrong number of fields can be told apart from empty values.
    frame = pd.read_csv(path, sep="\x1f", header=None, names=["line"], dtype=str, keep_default_na=False,
                        quoting=csv.QUOTE_NONE, skip_blank_lines=True)
    lines = frame["line"].tolist()
    header = lines[0].split(",")
    rows, rejects, hourly, years = [], [], {}, set()
    with conn.cursor() as cur:
        cur.execute(f"SELECT nextval('{schema}.file_id_seq')")
        file_id = cur.fetchone()[0]
        for number, line in enumerate(lines[1:], start=2):
            reason, values = sensor_rules.check(line.split(","), header)
            if reason:
                rejects.append((file_id, number, reason, line))
                continue
            ts = values["ts"]
            years.add(ts.astimezone(sensor_rules.datetime.timezone.utc).year)
            rows.append((ts, values["sensor_id"], values["temperature"], values["humidity"], values["pressure"],
                         values["battery"], file_id))
            hour = ts.replace(minute=0, second=0, microsecond=0)
            agg = hourly.setdefault((values["sensor_id"], hour), [0] + [[0, None, None, 0.0] for _ in range(4)])
            agg[0] += 1
            for i, m in enumerate(sensor_rules.MEASURES):
                v = values[m]
                if v is None:
                    continue
                a = agg[1 + i]
                a[0] += 1
                a[1] = v if a[1] is None else min(a[1], v)
                a[2] = v if a[2] is None else max(a[2], v)
                a[3] += v
        for year in sorted(years):
            cur.execute(f"CREATE TABLE IF NOT EXISTS {schema}.readings_{year} PARTITION OF {schema}.readings "
                        f"FOR VALUES FROM ('{year}-01-01 00:00:00+00') TO ('{year + 1}-01-01 00:00:00+00')")
        insert = (f"INSERT INTO {schema}.readings (ts, sensor_id, temperature, humidity, pressure, battery, file_id) "
                  "VALUES (%s, %s, %s, %s, %s, %s, %s)")
        for start in range(0, len(rows), BATCH):
            cur.executemany(insert, rows[start:start + BATCH])
        cur.executemany(f"INSERT INTO {schema}.rejects (file_id, line, reason, raw) VALUES (%s, %s, %s, %s)", rejects)
        cols = ", ".join(f"{m}_count, {m}_min, {m}_max, {m}_sum" for m in sensor_rules.MEASURES)
        sets = ", ".join(f"{m}_count = h.{m}_count + EXCLUDED.{m}_count, {m}_min = LEAST(h.{m}_min, EXCLUDED.{m}_min), "
                         f"{m}_max = GREATEST(h.{m}_max, EXCLUDED.{m}_max), "
                         f"{m}_sum = COALESCE(h.{m}_sum + EXCLUDED.{m}_sum, h.{m}_sum, EXCLUDED.{m}_sum)"
                         for m in sensor_rules.MEASURES)
        upsert = (f"INSERT INTO {schema}.sensor_hourly AS h (sensor_id, hour, rows, {cols}) VALUES "
                  f"(%s, %s, %s, {', '.join(['%s'] * 16)}) ON CONFLICT (sensor_id, hour) DO UPDATE SET "
                  f"rows = h.rows + EXCLUDED.rows, {sets}")
        cur.executemany(upsert, [(s, h, a[0], *[x for m in a[1:] for x in m]) for (s, h), a in sorted(hourly.items())])
        cur.execute(f"INSERT INTO {schema}.files (file_id, uri, size, etag, rows_loaded, rows_rejected, status) "
                    "VALUES (%s, %s, %s, %s, %s, %s, 'loaded')",
                    (file_id, os.path.abspath(path), os.path.getsize(path), str(int(os.path.getmtime(path))),
                     len(rows), len(rejects)))
    conn.commit()
    return len(rows), len(rejects)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--schema", required=True)
    a = ap.parse_args()
    start = time.monotonic()
    conn = psycopg2.connect("")
    loaded = rejected = files = 0
    for path in files_in(a.folder):
        good, bad = load_file(conn, a.schema, path)
        loaded += good
        rejected += bad
        files += 1
    conn.close()
    print(json.dumps({"files": files, "rows_loaded": loaded, "rows_rejected": rejected,
                      "seconds": round(time.monotonic() - start, 3)}))


if __name__ == "__main__":
    main()
