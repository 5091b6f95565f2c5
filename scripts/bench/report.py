#!/usr/bin/python3
"""Markdown tables from a scripts/bench/run result: report.py bench-results/bench-<date>.json"""
import json
import sys


def main():
    r = json.load(open(sys.argv[1]))
    print(f"Run {r['date']}: {r['cores']} cores, PostgreSQL {r['postgres']} (fsync={r['fsync']}, "
          f"synchronous_commit={r['synchronous_commit']}, shared_buffers={r['shared_buffers']}), {r['pgloader']}, "
          f"sluice {r['git_head'][:10]}; load average at start {r['loadavg_start'][0]:.2f}, at end "
          f"{r['loadavg_end'][0]:.2f}; {r['seconds_total'] / 60:.0f} min in all.\n")
    for name, s in r["sets"].items():
        d = s["data"]
        if "summary" not in s:
            for m, runs in s["runs"].items():
                x = runs[0]
                print(f"**{d['files']:,} small files x 20 rows** ({d['bytes'] / 1e6:.0f} MB), `sluice ingest` "
                      f"default options, 1 run: {x['seconds']:.1f} s, {x['rows_per_s']:,.0f} rows/s, "
                      f"{d['files'] / x['seconds']:,.0f} files/s, **peak RSS {x['rss_kb'] / 1024:.0f} MiB**, "
                      f"client CPU {x['client_cpu_s']:.1f} s, server CPU {x['server_cpu_s']:.1f} s, load average "
                      f"{x['loadavg_1m_before']:.1f}.\n")
            continue
        print(f"**{name}**: {d['files']} files, {d['valid']:,} valid + {d['rejected']:,} bad rows, "
              f"{d['bytes'] / 1e6:.1f} MB ({d['valid_bytes'] / 1e6:.1f} MB valid-only copies)\n")
        print("| method | runs | median s | rows/s | MB/s | peak RSS MiB | client CPU s | server CPU s | "
              "CPU s per 1M rows (client+server) | load avg (min-max) | rows loaded |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        for m, x in s["summary"].items():
            runs = s["runs"][m]
            loads = [q["loadavg_1m_before"] for q in runs]
            per = (x["client_cpu_s"] + x["server_cpu_s"]) / d["valid"] * 1e6
            print(f"| {m} | {x['runs']} | {x['seconds']:.2f} | {x['rows_per_s']:,.0f} | {x['mb_per_s']:.1f} | "
                  f"{x['rss_kb'] / 1024:.0f} | {x['client_cpu_s']:.1f} | {x['server_cpu_s']:.1f} | "
                  f"{per:.2f} | {min(loads):.1f}-{max(loads):.1f} | {x['rows_loaded']:,} |")
        print()
        for k, v in s["ratios"].items():
            print(f"- {k}: " + (f"**{v:.2f}x**" if isinstance(v, float) else f"`{v}`"))
        print()


if __name__ == "__main__":
    main()
