"""The project-local PostgreSQL (scripts/pg-local) as the bench scripts reach it: its libpq environment, and one
SQL script run through psql."""
import os
import subprocess

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def env():
    """os.environ plus what `scripts/pg-local env` exports (PGHOST, PGPORT, ...)."""
    out = subprocess.run([os.path.join(TOP, "scripts/pg-local"), "env"], capture_output=True, text=True).stdout
    e = dict(os.environ)
    for part in out.replace("export", "").split():
        k, v = part.split("=", 1)
        e[k] = v
    return e


def psql(e, sql):
    """Runs `sql` (one or more statements) with environment `e`; returns its unaligned output, stripped."""
    r = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"], input=sql, env=e, text=True,
                       capture_output=True)
    if r.returncode:
        raise RuntimeError(r.stderr)
    return r.stdout.strip()
