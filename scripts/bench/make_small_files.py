#!/usr/bin/python3
"""Writes N small sensor files of R valid rows each (OUT/dNNN/fNNNNNN.csv, 1,000 files a folder) for the
benchmark's many-small-files peak-RSS check, and OUT/expected.json. Deterministic, fast (no validation
cases: this is about per-file overhead, not rejects).

usage: make_small_files.py OUT [--files 100000] [--rows 20]"""
import argparse
import json
import os


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--files", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=20)
    a = ap.parse_args()
    total = 0
    for f in range(a.files):
        folder = os.path.join(a.out, f"d{f // 1000:03d}")
        if f % 1000 == 0:
            os.makedirs(folder, exist_ok=True)
        site, day = f % 97, f // 97
        # one day per file; the day number wraps inside 2026 so every row is in one year (one partition)
        month, mday = 1 + (day // 28) % 12, 1 + day % 28
        lines = ["ts,sensor_id,temperature,humidity,pressure,battery"]
        for r in range(a.rows):
            sec = r * (86400 // a.rows)
            lines.append(f"2026-{month:02d}-{mday:02d}T{sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}Z,"
                         f"site{site:02d}-s{r % 8:03d},{(f * 7 + r) % 600 / 10 - 10:.1f},{50 + r % 40}.5,"
                         f"{990 + r % 30}.2,3.{600 + r % 300}")
        path = os.path.join(folder, f"f{f:06d}.csv")
        with open(path, "w") as out:
            out.write("\n".join(lines) + "\n")
        total += os.path.getsize(path)
    with open(os.path.join(a.out, "expected.json"), "w") as out:
        json.dump({"files": a.files, "rows": a.files * a.rows, "valid": a.files * a.rows, "rejected": 0,
                   "bytes": total, "years": [2026]}, out, indent=1)


if __name__ == "__main__":
    main()
