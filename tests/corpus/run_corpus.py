#!/usr/bin/env python3
"""Runs the malformed-input corpus through `sluice ingest` and compares every file with its expectation.

Usage: run_corpus.py SLUICE_BIN SCHEMA WORK_DIR   (psql must reach the database through the PG* environment)

Cases are data: tests/corpus/NAME.csv with NAME.expected.json beside it, and tests/corpus/generated/NAME.expected.json
for inputs too big or too binary to commit (made here, at test time, by the generator named after the case).
An expectation holds:
  status            "loaded" or "failed" (the ledger status of the file)
  rows              rows loaded (checked in the ledger and in readings)
  rejects           {"reason": count}, exactly the rejects stored for the file
  failure_contains  a piece of the failed file's reason (ledger `error`)
  checks            [[SQL, expected text]]: {readings} and {rejects} stand for the file's rows
  args              extra ingest arguments; files with the same args are ingested in one run
  either            a list of alternative expectations (a race: any one of them may hold)
Special cases that are not one file (symbolic link loops, FIFOs, unreadable files, a file being appended to)
are functions below. sluice must never die of a signal (exit code >= 128) on any of them.
"""
import gzip
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time

CORPUS = os.path.dirname(os.path.abspath(__file__))
HEADER = b"ts,sensor_id,temperature,humidity,pressure,battery\n"
ROW = b"2026-01-01T00:00:00Z,s1,20,50,1000,3.5\n"
failures = []


def fail(case, message):
    failures.append(f"{case}: {message}")
    print(f"not ok - {case}: {message}", flush=True)


def ok(case, message):
    print(f"ok - {case}: {message}", flush=True)


def sql(query):
    out = subprocess.run(["psql", "-qAtX", "-v", "ON_ERROR_STOP=1", "-c", query], check=True, capture_output=True)
    return out.stdout.decode("utf-8", "replace").rstrip("\n")


def run_sluice(binary, args, timeout=300):
    """Runs sluice; returns (exit code, stdout, stderr). A timeout is a failure of its own (a hang)."""
    try:
        done = subprocess.run([binary, *args], capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout} s"
    return done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")


def check_exit(case, rc, allowed, stderr):
    if rc is None:
        fail(case, f"sluice hung: {stderr}")
    elif rc < 0 or rc >= 128:
        fail(case, f"sluice died with exit code {rc} (signal): {stderr[-2000:]}")
    elif rc not in allowed:
        fail(case, f"exit code {rc}, expected one of {allowed}: {stderr[-2000:]}")
    else:
        return True
    return False


# --- generated inputs: one function per tests/corpus/generated/NAME.expected.json --------------------------------

def gen_long_row_10mb(path):  # a 10 MB record: more fields than the header, kept as a columns reject
    with open(path, "wb") as out:
        out.write(HEADER + b"2026-01-01T00:00:00Z,s1,20,,,," + b"x" * (10 << 20) + b"\n" + ROW)


def gen_long_row_over_limit(path):  # the same with --max-line-bytes 1000000: the file fails
    gen_long_row_10mb(path)


def gen_single_line_10mb(path):  # 10 MB and no line end at all: the header line is the whole file
    rng = random.Random(8)
    with open(path, "wb") as out:
        out.write(bytes(rng.choice(b"abcdefgh,;\"' ") for _ in range(1 << 16)) * 160)


def gen_long_sensor_id(path):  # sensor ids of 1 MB, 1025 and 1024 random letters: the limit is 1024 bytes
    rng = random.Random(9)
    sensor = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(1 << 20)).encode()
    with open(path, "wb") as out:
        out.write(HEADER + b"2026-01-01T00:00:00Z," + sensor + b",20,,,\n" + ROW)
        out.write(b"2026-01-01T00:01:00Z," + sensor[:1025] + b",21,,,\n")
        out.write(b"2026-01-01T00:02:00Z," + sensor[:1024] + b",22,,,\n")


def gen_columns_10000(path):  # 10,000 columns: the six known ones and 9,994 extra, ignored
    extra = [f"x{i}".encode() for i in range(9994)]
    with open(path, "wb") as out:
        out.write(b",".join([b"ts", b"sensor_id", b"temperature", b"humidity", b"pressure", b"battery", *extra]) + b"\n")
        for minute in range(3):
            values = [b"2026-01-01T00:%02d:00Z" % minute, b"s1", b"20", b"", b"", b""] + [b"v"] * 9994
            out.write(b",".join(values) + b"\n")
        out.write(b",".join([b"2026-01-01T00:09:00Z", b"s1", b"20"] + [b""] * 9996) + b"\n")  # 9,999 fields


def gen_row_10000_fields(path):  # a row of 10,000 fields under a normal header
    with open(path, "wb") as out:
        out.write(HEADER + b"2026-01-01T00:00:00Z,s1,20" + b",1" * 9997 + b"\n" + ROW)


def _csv_rows(count):
    return HEADER + b"".join(b"2026-01-01T%02d:%02d:00Z,s%d,%d,,,\n" % (i // 60 % 24, i % 60, i % 7, i % 100)
                             for i in range(count))


def gen_good_gz(path):
    with open(path, "wb") as out:
        out.write(gzip.compress(_csv_rows(1000)))


def gen_good_zst(path):
    with open(path, "wb") as out:
        out.write(subprocess.run(["zstd", "-q", "-c"], input=_csv_rows(1000), check=True, capture_output=True).stdout)


def gen_truncated_gz(path):
    data = gzip.compress(_csv_rows(5000))
    with open(path, "wb") as out:
        out.write(data[: len(data) // 2])


def gen_truncated_zst(path):
    data = subprocess.run(["zstd", "-q", "-c"], input=_csv_rows(5000), check=True, capture_output=True).stdout
    with open(path, "wb") as out:
        out.write(data[: len(data) // 2])


def _bomb(path, command):  # 256 MiB of one repeated row, a few hundred KB compressed
    with open(path, "wb") as out:
        producer = subprocess.Popen(["python3", "-c", "import sys\nrow = b'2026-01-01T00:00:00Z,s1,20,,,\\n' * 4096\n"
                                     "for _ in range(256 * 1024 * 1024 // len(row)): sys.stdout.buffer.write(row)"],
                                    stdout=subprocess.PIPE)
        subprocess.run(command, stdin=producer.stdout, stdout=out, check=True)
        producer.stdout.close()
        producer.wait()


def gen_gzip_bomb(path):
    _bomb(path, ["gzip", "-1", "-c"])


def gen_zstd_bomb(path):
    _bomb(path, ["zstd", "-q", "-3", "-c"])


def gen_binary_garbage(path):
    with open(path, "wb") as out:
        out.write(random.Random(7).randbytes(20000))


# --- the per-file cases ---------------------------------------------------------------------------------------------

def load_cases(work):
    cases = []
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".expected.json"):
            stem = name[: -len(".expected.json")]
            path = os.path.join(work, "static", stem + ".csv")
            shutil.copyfile(os.path.join(CORPUS, stem + ".csv"), path)
            cases.append((stem, path, json.load(open(os.path.join(CORPUS, name)))))
    generated = os.path.join(CORPUS, "generated")
    for name in sorted(os.listdir(generated)):
        if name.endswith(".expected.json"):
            stem = name[: -len(".expected.json")]
            expected = json.load(open(os.path.join(generated, name)))
            path = os.path.join(work, "generated", stem + expected.get("suffix", ".csv"))
            started = time.monotonic()
            globals()["gen_" + stem](path)
            print(f"# generated {stem}: {os.path.getsize(path)} bytes in {time.monotonic() - started:.1f} s", flush=True)
            cases.append((stem, path, expected))
    return cases


def file_state(schema, uri):
    quoted = uri.replace("'", "''")
    row = sql(f"SELECT file_id, status, rows_loaded, rows_rejected, coalesce(error, '') FROM \"{schema}\".files "
              f"WHERE uri = '{quoted}'")
    if not row:
        return None
    file_id, status, rows_loaded, rows_rejected, error = row.split("|", 4)
    readings = int(sql(f"SELECT count(*) FROM \"{schema}\".readings WHERE file_id = {file_id}"))
    rejects = sql(f"SELECT reason, count(*) FROM \"{schema}\".rejects WHERE file_id = {file_id} GROUP BY 1 ORDER BY 1")
    by_reason = {line.rsplit("|", 1)[0]: int(line.rsplit("|", 1)[1]) for line in rejects.splitlines() if line}
    return {"file_id": int(file_id), "status": status, "rows_loaded": int(rows_loaded),
            "rows_rejected": int(rows_rejected), "error": error, "readings": readings, "rejects": by_reason}


def mismatches(schema, state, expected):
    """What differs between the file's state and one expectation (empty: it holds)."""
    problems = []
    if state["status"] != expected["status"]:
        problems.append(f"status {state['status']!r} (error {state['error']!r}), expected {expected['status']!r}")
        return problems
    rows = expected.get("rows", 0)
    if state["rows_loaded"] != rows or state["readings"] != rows:
        problems.append(f"rows: ledger {state['rows_loaded']}, readings {state['readings']}, expected {rows}")
    rejects = expected.get("rejects", {})
    if state["rejects"] != rejects or state["rows_rejected"] != sum(rejects.values()):
        problems.append(f"rejects {state['rejects']} (ledger {state['rows_rejected']}), expected {rejects}")
    if "failure_contains" in expected and expected["failure_contains"] not in state["error"]:
        problems.append(f"failure {state['error']!r} does not contain {expected['failure_contains']!r}")
    for query, want in expected.get("checks", []):
        where = f"(SELECT * FROM \"{schema}\".%s WHERE file_id = {state['file_id']}) AS f"
        got = sql(query.replace("{readings}", where % "readings").replace("{rejects}", where % "rejects"))
        if got != want:
            problems.append(f"{query}: got {got!r}, expected {want!r}")
    return problems


def run_file_cases(binary, schema, work):
    os.makedirs(os.path.join(work, "static"))
    os.makedirs(os.path.join(work, "generated"))
    cases = load_cases(work)
    groups = {}
    for stem, path, expected in cases:
        groups.setdefault(tuple(expected.get("args", [])), []).append((stem, path, expected))
    for args, members in groups.items():
        paths = [path for _, path, _ in members]
        rc, _, stderr = run_sluice(binary, ["ingest", *paths, "--schema", schema, "--progress", "never", "--quiet", *args])
        if not check_exit(f"ingest of {len(paths)} files {list(args)}", rc, (0, 1), stderr):
            continue
        for stem, path, expected in members:
            state = file_state(schema, os.path.abspath(path))
            if state is None:
                fail(stem, "not in the ledger: silently missing")
                continue
            alternatives = expected.get("either", [expected])
            problems = [mismatches(schema, state, alternative) for alternative in alternatives]
            if any(not p for p in problems):
                ok(stem, f"{state['status']}, {state['rows_loaded']} rows, rejects {state['rejects']}"
                         + (f", error: {state['error'][:100]}" if state["error"] else ""))
            else:
                fail(stem, "; ".join(problems[0]))


# --- cases about listing and reading rather than content ---------------------------------------------------------

def case_symlink_loops(binary, schema, work):
    folder = os.path.join(work, "links")
    os.makedirs(os.path.join(folder, "sub"))
    with open(os.path.join(folder, "sub", "good.csv"), "wb") as out:
        out.write(HEADER + ROW)
    os.symlink("self.csv", os.path.join(folder, "self.csv"))         # a link to itself
    os.symlink("b.csv", os.path.join(folder, "a.csv"))               # a -> b -> a
    os.symlink("a.csv", os.path.join(folder, "b.csv"))
    os.symlink("..", os.path.join(folder, "sub", "up"))              # a folder loop: never followed
    os.symlink(folder, os.path.join(folder, "sub", "again"))
    os.symlink("missing.csv", os.path.join(folder, "dangling.csv"))  # a dangling link
    rc, _, stderr = run_sluice(binary, ["ingest", folder, "--schema", schema, "--progress", "never"], timeout=60)
    if check_exit("symlink_loops", rc, (0,), stderr):
        loaded = sql(f"SELECT count(*) || '/' || coalesce(sum(rows_loaded), 0) FROM \"{schema}\".files "
                     f"WHERE uri LIKE '{folder}/%'")
        if loaded != "1/1":
            fail("symlink_loops", f"files/rows under the folder: {loaded}, expected the one good file once (1/1)")
        elif not all(f"{name}: not listed" in stderr for name in ("self.csv", "a.csv", "b.csv", "dangling.csv")):
            fail("symlink_loops", f"each looping or dangling link must be reported as not listed; stderr: {stderr}")
        else:
            ok("symlink_loops", "the good file loaded once; self/a/b loops and the dangling link reported as not listed")
    # Named directly, a looping link names nothing loadable: a usage error, not a hang.
    rc, _, stderr = run_sluice(binary, ["ingest", os.path.join(folder, "self.csv"), "--schema", schema,
                                        "--progress", "never"], timeout=60)
    if check_exit("symlink_loop_named", rc, (2,), stderr):
        ok("symlink_loop_named", f"exit 2: {stderr.strip().splitlines()[-1] if stderr.strip() else ''}")


def case_fifo(binary, schema, work):
    folder = os.path.join(work, "fifo")
    os.makedirs(folder)
    fifo = os.path.join(folder, "pipe.csv")
    os.mkfifo(fifo)
    # Named directly, a FIFO is listed; reading it must fail the file, not wait for a writer (root too).
    rc, _, stderr = run_sluice(binary, ["ingest", fifo, "--schema", schema, "--progress", "never", "--quiet"], timeout=60)
    if check_exit("fifo", rc, (1,), stderr):
        state = file_state(schema, fifo)
        if state and state["status"] == "failed" and "not a regular file" in state["error"]:
            ok("fifo", f"failed: {state['error']}")
        else:
            fail("fifo", f"expected a failed file 'not a regular file', got {state}")


def case_unreadable(binary, schema, work):
    if os.geteuid() == 0:
        print("ok - unreadable # SKIP running as root: chmod 000 does not stop root from reading "
              "(the FIFO case covers a file that cannot be read)", flush=True)
        return
    path = os.path.join(work, "unreadable.csv")
    with open(path, "wb") as out:
        out.write(HEADER + ROW)
    os.chmod(path, 0)
    rc, _, stderr = run_sluice(binary, ["ingest", path, "--schema", schema, "--progress", "never", "--quiet"], timeout=60)
    if check_exit("unreadable", rc, (1,), stderr):
        state = file_state(schema, path)
        if state and state["status"] == "failed" and "cannot open: Permission denied" in state["error"]:
            ok("unreadable", f"failed: {state['error']}")
        else:
            fail("unreadable", f"expected a failed file 'cannot open: Permission denied', got {state}")


def case_changing_file(binary, schema, work):
    """A writer appends lines while sluice reads: it loads a consistent snapshot or fails with 'changed'."""
    path = os.path.join(work, "growing.csv")
    with open(path, "wb") as out:
        out.write(HEADER + _csv_rows(200000)[len(HEADER):])
    stop = threading.Event()

    def writer():
        minute = 0
        with open(path, "ab", buffering=0) as out:
            while not stop.is_set():
                out.write(b"2026-01-02T00:%02d:00Z,w,%d,,,\n" % (minute % 60, minute % 100))
                minute += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.05)
        rc, _, stderr = run_sluice(binary, ["ingest", path, "--schema", schema, "--progress", "never", "--quiet"],
                                   timeout=120)
    finally:
        stop.set()
        thread.join()
    if not check_exit("changing_file", rc, (0, 1), stderr):
        return
    state = file_state(schema, path)
    if state is None:
        fail("changing_file", "not in the ledger")
    elif state["status"] == "failed":
        if "changed" in state["error"]:
            ok("changing_file", f"failed: {state['error']}")
        else:
            fail("changing_file", f"failed without saying the file changed: {state['error']}")
    else:  # a snapshot: every row loaded or rejected, at most the last (torn) line rejected
        lines = state["rows_loaded"] + state["rows_rejected"]
        if state["rows_loaded"] == state["readings"] and state["rows_rejected"] <= 1 and lines >= 200000:
            ok("changing_file", f"loaded a snapshot of {lines} rows")
        else:
            fail("changing_file", f"inconsistent snapshot: {state}")


def main():
    binary, schema, work = sys.argv[1:4]
    run_file_cases(binary, schema, work)
    case_symlink_loops(binary, schema, work)
    case_fifo(binary, schema, work)
    case_unreadable(binary, schema, work)
    case_changing_file(binary, schema, work)
    if failures:
        print(f"{len(failures)} corpus case(s) failed:", *failures, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print("all corpus cases passed")


if __name__ == "__main__":
    main()
