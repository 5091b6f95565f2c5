#!/usr/bin/python3
"""Samples pg_stat_activity every INTERVAL seconds until killed (SIGTERM) and prints, as JSON, how often
each (backend_type, state, wait_event_type:wait_event) was seen, for the backends whose query mentions
SCHEMA plus the server's background processes. CPU = active with no wait event.

usage: wait_sampler.py SCHEMA [INTERVAL]   (PG* environment variables select the database)"""
import collections
import json
import signal
import sys
import time

import psycopg2

stop = False


def on_term(*_):
    global stop
    stop = True


def main():
    schema, interval = sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
    signal.signal(signal.SIGTERM, on_term)
    conn = psycopg2.connect("")
    conn.autocommit = True
    cur = conn.cursor()
    seen = collections.Counter()
    samples = 0
    while not stop:
        cur.execute("SELECT backend_type, coalesce(state, ''), coalesce(wait_event_type || ':' || wait_event, 'CPU'), "
                    "left(query, 40) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND "
                    "(backend_type <> 'client backend' OR (state = 'active' AND query ILIKE %s))", (f"%{schema}%",))
        for btype, state, wait, query in cur.fetchall():
            if btype == "client backend":
                seen[f"client backend | {wait} | {query.split(' ')[0] if query else ''}"] += 1
            elif wait != "CPU" and wait.startswith("Activity:"):
                continue  # background process idle in its main loop
            else:
                seen[f"{btype} | {wait}"] += 1
        samples += 1
        time.sleep(interval)
    print(json.dumps({"samples": samples, "interval_s": interval,
                      "seen": dict(sorted(seen.items(), key=lambda kv: -kv[1]))}, indent=1))


if __name__ == "__main__":
    main()
