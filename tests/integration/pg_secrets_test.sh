# secrets never leave sluice. A role with a password; the password given in a URI DSN, in a
# key=value DSN (quoted, with a space and a quote in it), in a ?password= parameter and in PGPASSWORD,
# and fake AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN values in the environment, must not appear in stdout,
# stderr (text and JSON logs), the --summary-json file, the --metrics-file or the runs table, on success
# and on failure (a wrong port: exit 3; a wrong database). The local cluster trusts every connection, so
# the password is not checked by the server: what is tested is that sluice never repeats it.
source "$(dirname "$0")/lib.sh"
role="sluice_secret_$$"
pw_uri="S3cr3tPwUri$$"
pw_kv="S3cr3t Pw'Kv$$"            # a space and a quote: needs the quoted key=value form
pw_kv_escaped="S3cr3t Pw\\'Kv$$"  # as written inside '...' in a DSN
pw_param="S3cr3tPwParam$$"
pw_env="S3cr3tPwEnv$$"
aws_secret="FakeAwsSecretKey/$$+abcdEFGH"
aws_token="FakeAwsSessionToken$$//ZZZZ=="
sql "CREATE ROLE \"$role\" LOGIN PASSWORD '$pw_uri'; GRANT CREATE ON DATABASE \"$PGDATABASE\" TO \"$role\""
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$schema\" CASCADE; DROP ROLE IF EXISTS \"$role\"' >/dev/null 2>&1")
export AWS_ACCESS_KEY_ID=AKIAFAKEFAKEFAKE AWS_SECRET_ACCESS_KEY="$aws_secret" AWS_SESSION_TOKEN="$aws_token"
gen_data "$work/data" --files 2 --rows 2000
host=$PGHOST port=$PGPORT db=$PGDATABASE
# Every piece of every secret that must never show up (the whole values and fragments either side of
# the characters a redactor could stop at).
secrets=("$pw_uri" "$pw_kv" "Pw'Kv$$" "Pw\\'Kv$$" "$pw_param" "$pw_env" "$aws_secret" "$aws_token" "FakeAwsSecretKey" "FakeAwsSessionToken" "S3cr3t")

n=0
check_outputs() {  # what: greps every output of the last run and the runs table for every secret
  local what=$1 file secret
  for file in "$work"/out.* "$work"/summary.json "$work"/metrics.prom; do
    [ -f "$file" ] || continue
    for secret in "${secrets[@]}"; do
      if grep -qF -- "$secret" "$file"; then
        echo "--- $file:" >&2; cat "$file" >&2
        fail "$what: secret '$secret' appears in $(basename "$file")"
      fi
    done
  done
  local runs
  if sql "SELECT 1 FROM information_schema.tables WHERE table_schema = '$schema' AND table_name = 'runs'" | grep -q 1; then
    runs=$(sql "SELECT coalesce(string_agg(args, E'\n'), '') FROM \"$schema\".runs")
    for secret in "${secrets[@]}"; do
      case "$runs" in *"$secret"*) fail "$what: secret '$secret' appears in the runs table: $runs" ;; esac
    done
  fi
  echo "ok - $what: no secret in stdout, stderr, summary, metrics or runs"
}

# ingest EXPECTED_RC WHAT ARGS...: runs ingest twice (text and JSON logs) and checks every output.
ingest() {
  local expected=$1 what=$2 format
  shift 2
  for format in text json; do
    rm -f "$work"/out.* "$work/summary.json" "$work/metrics.prom"
    n=$((n + 1))
    run_sluice ingest "$work/data" --schema "$schema" --progress always --progress-interval 0.1 --retries 0 \
      --log-format "$format" --summary-json "$work/summary.json" --metrics-file "$work/metrics.prom" --force \
      "$@" >"$work/out.stdout" 2>"$work/out.stderr"
    [ "$rc" = "$expected" ] || { cat "$work/out.stderr" >&2; fail "$what ($format logs): exit $rc, expected $expected"; }
    [ -s "$work/summary.json" ] || fail "$what ($format logs): no summary written"
    check_outputs "$what ($format logs, exit $rc)"
  done
}

ingest 0 "password in a URI DSN" --db "postgresql://$role:$pw_uri@$host:$port/$db"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".runs WHERE args LIKE '%postgresql://$role:***@$host:$port/$db%'")" 2 "runs.args keeps the DSN with the password masked"
ingest 0 "password in a quoted key=value DSN" --db "host=$host port=$port dbname=$db user=$role password='$pw_kv_escaped'"
ingest 0 "password as a URI parameter" --db "postgresql://$role@$host:$port/$db?password=$pw_param&application_name=x"
PGPASSWORD="$pw_env" ingest 0 "password in PGPASSWORD" --db "host=$host port=$port dbname=$db user=$role"
SLUICE_DB="postgresql://$role:$pw_uri@$host:$port/$db" ingest 0 "password in SLUICE_DB"

# Failure paths: the connection fails, the error is printed, the password is not.
ingest 3 "URI DSN, wrong port" --db "postgresql://$role:$pw_uri@$host:1/$db"
ingest 3 "quoted key=value DSN, wrong port" --db "host=$host port=1 dbname=$db user=$role password='$pw_kv_escaped'"
PGPASSWORD="$pw_env" ingest 3 "PGPASSWORD, wrong port" --db "host=$host port=1 dbname=$db user=$role"
ingest 3 "URI DSN, no such database" --db "postgresql://$role:$pw_uri@$host:$port/no_such_db_$$"
grep -q "no_such_db_$$" "$work/out.stderr" || fail "the connection error should still name the database"

# The admin commands print DSN errors too, once per retry (8 retries with backoff: ~45 s, so only one of them;
# they share connect_with_retries).
for command in "schema init"; do
  rm -f "$work"/out.*
  set +e
  # shellcheck disable=SC2086
  "$SLUICE_BIN" $command --schema "$schema" --db "postgresql://$role:$pw_uri@$host:1/$db" >"$work/out.stdout" 2>"$work/out.stderr"
  set -e
  check_outputs "sluice $command with a failing DSN"
done
