# A run holds at most --connections PostgreSQL sessions: the session that checks the schema goes on as one of the
# pool's, and the ledger's lookups and disposals lease a session the way the loads do. Each run here is made by a
# role whose connection limit is exactly --connections: a session beyond it is refused ("too many connections for
# role"), which sluice would retry and count, so every run must load everything without a single retry. Several
# ledger lookups meet busy loads (--batch-files), a queue folder records a disposal after every commit, and one
# file is loaded a piece at a time, holding its session for the whole file.
source "$(dirname "$0")/lib.sh"

role="sluice_conn_$$"
cleanup_hooks+=("psql -qAtX -c 'DROP OWNED BY \"$role\"' -c 'DROP ROLE IF EXISTS \"$role\"' >/dev/null 2>&1")
sql "CREATE ROLE \"$role\" LOGIN CONNECTION LIMIT 2"
database=$(sql 'SELECT current_database()')
sql "GRANT CREATE ON DATABASE \"$database\" TO \"$role\""
dsn="host=${PGHOST:-127.0.0.1} port=${PGPORT:-5432} dbname=$database user=$role"

# no_retries NAME: the run's summary counts no retry (a refused session would have been one).
no_retries() { expect_eq "$(json "$work/$1.json" 'd["retries"]')" 0 "$1: retries"; }

gen_data "$work/data" --files 8 --rows 40000 --seed 11
run_sluice ingest "$work/data" --db "$dsn" --schema "$schema" --connections 2 --unit-bytes 1 --batch-files 2 \
  --progress never --quiet --summary-json "$work/two.json"
expect_eq "$rc" 0 "two sessions, eight files in batches of two: exit code"
no_retries two
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")" 8 "two sessions: files loaded"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$work/data/expected.json" 'd["valid"]')" \
  "two sessions: readings"

# One session for everything: setup, each file's ledger lookup, its load, its disposal, the run's end.
sessions_gone "usename = '$role'" "$role"  # the first run's, before the limit drops to one
sql "ALTER ROLE \"$role\" CONNECTION LIMIT 1"
gen_data "$work/queue" --files 5 --rows 20000 --seed 12
gen_data "$work/big" --files 1 --rows 60000 --seed 13
mv "$work/big/"*/*.csv "$work/queue/big.csv"
find "$work/queue" -type f -exec touch -d "2026-01-01 00:00:00" {} +  # settled: old enough to be moved
find "$work/queue" -name expected.json -delete
run_sluice ingest "$work/queue" --db "$dsn" --schema "$schema" --connections 1 --unit-bytes 1 --batch-files 1 \
  --stream-bytes 2000000 --on-success "move:$work/done" --progress never --quiet --summary-json "$work/one.json"
expect_eq "$rc" 0 "one session, a queue folder and a file read in pieces: exit code"
no_retries one
expect_eq "$(find "$work/done" -type f | wc -l)" 6 "one session: files moved"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'disposed'")" 6 "one session: disposals recorded"

# A second session opens only when a load has waited --session-wait for the busy one: with a patience no load comes
# near, two allowed sessions stay one, so the role's limit of one is never met (a refused session would be a retry).
gen_data "$work/patient" --files 6 --rows 20000 --seed 14
run_sluice ingest "$work/patient" --db "$dsn" --schema "$schema" --connections 2 --session-wait 3600 --unit-bytes 1 \
  --batch-files 2 --progress never --quiet --summary-json "$work/patient.json"
expect_eq "$rc" 0 "two sessions allowed, loads that never wait long: exit code"
no_retries patient
expect_eq "$(json "$work/patient.json" 'd["files"]["loaded"]')" 6 "two sessions allowed, one used: files loaded"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".runs WHERE finished_at IS NOT NULL AND exit_code = 0")" 3 \
  "every run recorded its end"
sessions_gone "usename = '$role'" "$role"  # so that the cleanup can drop the role
