# secrets never leave sluice. A role with a password; the password given in a URI DSN, in a
# key=value DSN (quoted, with a space and a quote in it), in a ?password= parameter and in PGPASSWORD,
# and fake AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN values in the environment, must not appear in stdout,
# stderr (text and JSON logs), the --summary-json file, the --metrics-file or the runs table, on success
# and on failure (a wrong port: exit 3; a wrong database). The local cluster trusts every connection, so
# the password is not checked by the server: what is tested is that sluice never repeats it. The same for the
# S3 credential sources (web identity and container tokens, handed-out session tokens), against the loopback
# stand-in of tests/integration/aws_credentials_standin.py.
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

# S3 credential sources: the web identity token, the container authorization token and the session tokens a
# source hands out must not appear either: when the source refuses and quotes the token back (exit 2), and
# when it hands out credentials that S3 then refuses (the stand-in answers the listing 404: exit 2).
standin=$work/standin
mkdir -p "$standin"
web_identity_token="FakeWebIdentityToken$$.eyJzdWIi"
container_token="FakeContainerToken$$-abcd"
printf '%s\n' "$web_identity_token" >"$work/web-identity-token"
python3 "$SLUICE_TOP/tests/integration/aws_credentials_standin.py" "$standin" --web-identity-token "$web_identity_token" \
  --container-token "$container_token" 2>"$standin/stderr" &
standin_pid=$!
cleanup_hooks+=("kill $standin_pid 2>/dev/null")
for _ in $(seq 1 100); do [ -s "$standin/port" ] && break; sleep 0.1; done
[ -s "$standin/port" ] || { cat "$standin/stderr" >&2; fail "the credentials stand-in did not start"; }
standin_url="http://127.0.0.1:$(cat "$standin/port")"
secrets+=("$web_identity_token" "$container_token" "FakeWebIdentityToken" "FakeContainerToken" "standin-")
# s3_ingest EXPECTED_RC WHAT VAR=VALUE...: an S3 run with only the given credential variables set.
s3_ingest() {
  local expected=$1 what=$2 format
  shift 2
  for format in text json; do
    rm -f "$work"/out.* "$work/summary.json" "$work/metrics.prom"
    set +e
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_PROFILE HOME="$work" \
      AWS_EC2_METADATA_DISABLED=true "$@" "$SLUICE_BIN" ingest "s3://sluice-secrets/prefix/" --s3-endpoint "$standin_url" \
      --schema "$schema" --progress never --log-format "$format" --summary-json "$work/summary.json" \
      --metrics-file "$work/metrics.prom" >"$work/out.stdout" 2>"$work/out.stderr"
    rc=$?
    set -e
    [ "$rc" = "$expected" ] || { cat "$work/out.stderr" >&2; fail "$what ($format logs): exit $rc, expected $expected"; }
    check_outputs "$what ($format logs, exit $rc)"
  done
}
sts=(AWS_ROLE_ARN=arn:aws:iam::123456789012:role/sluice-loader AWS_ENDPOINT_URL_STS="$standin_url")
printf '%s\n' "$container_token" >"$work/wrong-token"
s3_ingest 2 "web identity token refused by STS" AWS_WEB_IDENTITY_TOKEN_FILE="$work/wrong-token" "${sts[@]}"
grep -q "403 InvalidIdentityToken: Token \*\*\* is not valid" "$work/out.stderr" || fail "the STS refusal is not reported"
s3_ingest 2 "session token from STS, S3 refuses" AWS_WEB_IDENTITY_TOKEN_FILE="$work/web-identity-token" "${sts[@]}"
grep -q "credentials from web identity" "$work/out.stderr" || fail "the web identity credentials were not used"
s3_ingest 2 "container token refused" AWS_CONTAINER_CREDENTIALS_FULL_URI="$standin_url/full/credentials" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN="$web_identity_token"
grep -q "answered 401" "$work/out.stderr" || fail "the container refusal is not reported"
s3_ingest 2 "session token from the container endpoint, S3 refuses" \
  AWS_CONTAINER_CREDENTIALS_FULL_URI="$standin_url/full/credentials" AWS_CONTAINER_AUTHORIZATION_TOKEN="$container_token"
s3_ingest 2 "session token from IMDSv2, S3 refuses" AWS_EC2_METADATA_DISABLED=false \
  AWS_EC2_METADATA_SERVICE_ENDPOINT="$standin_url"
[ "$(grep -c '"token": "standin-' "$standin/credentials.log")" -ge 6 ] || fail "the stand-in handed out too few tokens"
