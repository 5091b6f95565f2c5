#!/usr/bin/python3
"""The bench results as a picture: rows/s per method (bars) for each data shape (groups), with the
sluice / psql \\copy ratio of the same run written above the sluice bar. Reads what scripts/bench/run
writes; any method or set in the JSON is drawn, so new methods need no change here.

usage: scripts/bench/plot.py bench-results/bench-<date>.json [OUT.png] [--methods a_psql,c_sluice,...]
(Debian's python3-matplotlib, Agg backend: no display needed.)"""
import argparse
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

LABELS = {
    "a_psql": "psql \\copy x2 (no validation)",
    "c_sluice": "sluice ingest (defaults)",
    "c_sluice_blocks": "sluice ingest, \"layout\": \"blocks\"",
    "d_dry_1core": "sluice --dry-run, 1 core",
    "d_dry": "sluice --dry-run",
}
SET_LABELS = {
    "small": "10 files, 0.77 M rows",
    "large": "10 M rows: 130 one-day files, 40 sensors",
    "wide": "10 M rows: 10 files of 1 M rows, 200 sensors, ~11 days each",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("out", nargs="?", default="docs/performance.png")
    ap.add_argument("--methods", help="comma-separated methods to draw (default: all in the results)")
    a = ap.parse_args()
    with open(a.results) as f:
        report = json.load(f)
    sets = [name for name, s in report["sets"].items() if "summary" in s]
    methods = []
    for name in sets:
        for m in report["sets"][name]["summary"]:
            if m not in methods and (not a.methods or m in a.methods.split(",")):
                methods.append(m)
    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=110)
    width = 0.8 / max(1, len(methods))
    for i, m in enumerate(methods):
        xs, ys = [], []
        for j, name in enumerate(sets):
            summary = report["sets"][name]["summary"]
            if m in summary:
                xs.append(j + (i - (len(methods) - 1) / 2) * width)
                ys.append(summary[m]["rows_per_s"] / 1e6)
        bars = ax.bar(xs, ys, width, label=LABELS.get(m, m))
        if m == "c_sluice":
            for bar, name in zip(bars, [n for n in sets if m in report["sets"][n]["summary"]]):
                ratio = report["sets"][name]["ratios"].get("c/a_psql")
                if ratio:
                    ax.annotate(f"{ratio:.2f}x psql", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                                ha="center", va="bottom", fontsize=9, fontweight="bold")
    ax.set_xticks(range(len(sets)))
    ax.set_xticklabels([SET_LABELS.get(n, n) for n in sets], fontsize=9)
    ax.set_ylabel("million valid rows per second (wall clock)")
    load = report.get("loadavg_start", [0])[0]
    ax.set_title(f"sluice against psql \\copy, {report['cores']} cores shared with PostgreSQL "
                 f"(run {report['date']}, sluice {report['git_head'][:8]}, load average {load:.1f} at start; "
                 f"medians of {report['runs']})", fontsize=9)
    ax.legend(fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.out)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
