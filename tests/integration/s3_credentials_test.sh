#!/usr/bin/env bash
# s3: `sluice ingest s3://bucket/prefix` against s3rver with credentials from each source of the chain, the
# temporary ones handed out by loopback stand-ins (aws_credentials_standin.py: STS, the container endpoint,
# IMDSv2) and checked by its proxy in front of s3rver (a token it did not hand out is 403 InvalidToken, an
# expired one 400 ExpiredToken). Checks, each able to fail:
#  1. environment keys; 2. a profile of a credentials file (AWS_SHARED_CREDENTIALS_FILE + AWS_PROFILE) and one
#     of ~/.aws/config ([profile x]); 3. web identity (token file, role, session name to STS); 4. the container
#     endpoint by relative URI (no Authorization sent) and by full URI with a token file and a token variable;
#     5. IMDSv2 (PUT token, then role and credentials with it): every file loads, every S3 request carries a
#     session token of the expected source;
#  6. refresh: credentials living 20 s, answers held until 80% of a token's life, so the run outlives its
#     first credentials: no ExpiredToken, requests signed with a refreshed token, the refresh logged;
#  7. a token S3 expires before its announced Expiration: ExpiredToken, one renewal, the requests retried,
#     every file loaded;
#  8. a refused web identity token and a refused container token: exit 2 naming the service and the code;
# and in every run no session token, web identity token or container token in stdout or stderr.
source "$(dirname "$0")/lib.sh"
top=$SLUICE_TOP
started_s3=0
if ! "$top/scripts/s3-local" status >/dev/null 2>&1; then
  "$top/scripts/s3-local" start >/dev/null
  started_s3=1
fi
cleanup_hooks+=('[ "$started_s3" = 1 ] && "$top/scripts/s3-local" stop >/dev/null')
eval "$("$top/scripts/s3-local" env)"
s3_port=${AWS_ENDPOINT_URL##*:}
bucket=$SLUICE_S3_BUCKET
prefix=creds-$$-$RANDOM
files=40
standin_pids=()
cleanup_hooks+=('for pid in "${standin_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done')
schemas=()
cleanup_hooks+=('for s in "${schemas[@]}"; do sql "DROP SCHEMA IF EXISTS \"$s\" CASCADE" >/dev/null 2>&1; done')

# --- the objects: tiny two-row files, uploaded with curl's own signing (not sluice's) ---
mkdir -p "$work/data"
for i in $(seq -w 1 $files); do
  printf 'ts,sensor_id,temperature,humidity,pressure,battery\n2026-01-01T00:00:00Z,cred-%s,21.5,40.0,1000.0,3.7\n2026-01-01T01:00:00Z,cred-%s,22.5,,1001.0,\n' \
    "$i" "$i" >"$work/data/part-$i.csv"
  printf 'url = "%s/%s/%s/part-%s.csv"\nupload-file = "%s/data/part-%s.csv"\n' "$AWS_ENDPOINT_URL" "$bucket" \
    "$prefix" "$i" "$work" "$i"
done >"$work/upload.curl"
curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -H "Content-Type: application/octet-stream" --parallel --no-progress-meter \
  -o /dev/null -w '%{http_code}\n' -K "$work/upload.curl" >"$work/upload.codes"
expect_eq "$(grep -c '^200$' "$work/upload.codes")" "$files" "objects uploaded"
grep '^url' "$work/upload.curl" >"$work/delete.curl"
cleanup_hooks+=('curl -sS --aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X DELETE -o /dev/null -K "$work/delete.curl" >/dev/null 2>&1')

# Nothing of this machine's own AWS setup may take part: every variable of the chain unset, HOME elsewhere,
# instance metadata off unless a case turns it on.
chain_vars=(AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
  AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME
  AWS_ENDPOINT_URL_STS AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_CREDENTIALS_FULL_URI
  AWS_CONTAINER_AUTHORIZATION_TOKEN AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE SLUICE_CONTAINER_CREDENTIALS_ENDPOINT
  AWS_EC2_METADATA_SERVICE_ENDPOINT AWS_EC2_METADATA_DISABLED)
clean_env=(env)
for var in "${chain_vars[@]}"; do clean_env+=(-u "$var"); done
mkdir -p "$work/home"
clean_env+=(HOME="$work/home" AWS_EC2_METADATA_DISABLED=true AWS_REGION=us-east-1)

web_identity_token="eyJFakeWebIdentityToken.$$.$RANDOM"
container_token="FakeContainerAuthToken-$$-$RANDOM"
printf '%s\n' "$web_identity_token" >"$work/web-identity-token"
printf '%s\n' "$container_token" >"$work/container-token"

# start_standin NAME [options]: a stand-in (and its proxy in front of s3rver) with its state in $work/NAME.
start_standin() {
  local name=$1
  shift
  mkdir -p "$work/$name"
  python3 "$top/tests/integration/aws_credentials_standin.py" "$work/$name" --s3-upstream "$s3_port" \
    --web-identity-token "$web_identity_token" --container-token "$container_token" "$@" 2>"$work/$name/stderr" &
  standin_pids+=($!)
  for _ in $(seq 1 100); do [ -s "$work/$name/s3.port" ] && break; sleep 0.1; done
  [ -s "$work/$name/s3.port" ] || { cat "$work/$name/stderr" >&2; fail "stand-in $name did not start"; }
}
port_of() { cat "$work/$1/port"; }
proxy_of() { echo "http://127.0.0.1:$(cat "$work/$1/s3.port")"; }

# Every token that must never be printed: the ones given to sluice, and the session tokens the stand-ins hand
# out (all start with "standin-").
check_no_secrets() {  # WHAT OUTPUT_FILES...
  local what=$1
  shift
  if grep -F -e "$web_identity_token" -e "$container_token" -e FakeWebIdentityToken -e FakeContainerAuthToken \
    -e standin- -- "$@" >&2; then
    fail "$what: a token was printed (the lines above)"
  fi
}
# count_lines FILE EXPR...: for each EXPR (Python, r is the record), how many JSON lines of FILE it holds for,
# on one line (one Python start for several counts: a busy CI machine starts Python slowly).
count_lines() {
  python3 -c "import json,sys; rs=[json.loads(l) for l in open(sys.argv[1])]; print(*[sum(1 for r in rs if eval(e, {}, {'r': r})) for e in sys.argv[2:]])" "$@"
}

# ingest_with NAME ENDPOINT [VAR=VALUE...]: loads the prefix into schema ${schema}_NAME with only the given
# variables of the chain set; output in $work/NAME.{out,err,json}, exit code in $rc.
ingest_with() {
  local name=$1 endpoint=$2
  shift 2
  schemas+=("${schema}_$name")
  set +e
  "${clean_env[@]}" "$@" "$SLUICE_BIN" ingest "s3://$bucket/$prefix/" --s3-endpoint "$endpoint" \
    --schema "${schema}_$name" --progress never --summary-json "$work/$name.json" \
    >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  set -e
  check_no_secrets "$name" "$work/$name.out" "$work/$name.err"
}
expect_loaded() {  # NAME
  [ "$rc" = 0 ] || { cat "$work/$1.err" >&2; fail "$1: exit $rc"; }
  expect_eq "$(json "$work/$1.json" "d['files']['loaded']")" "$files" "$1: files loaded"
  expect_eq "$(sql "SELECT count(*) FROM \"${schema}_$1\".readings")" $((2 * files)) "$1: readings"
}
# expect_signed_by STANDIN KIND: every S3 request through the stand-in's proxy carried a session token of KIND
# that it handed out, and passed.
expect_signed_by() {
  local log=$work/$1/s3.log
  [ -s "$log" ] || fail "$1: no S3 request went through the checking proxy"
  expect_eq "$(count_lines "$log" "not (r['token'] or '').startswith('standin-$2-') or r['status'] >= 300")" 0 \
    "$1: S3 requests not signed with a $2 session token, or refused"
}

# --- 1. environment keys ---
ingest_with env "$AWS_ENDPOINT_URL" AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
expect_loaded env
grep -q "credentials from the environment" "$work/env.err" || fail "env: the source is not logged"

# --- 2. shared files: a credentials file profile, and a [profile x] of ~/.aws/config ---
printf '[default]\naws_access_key_id = NOTTHISONE\naws_secret_access_key = wrong\n[loader]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n' \
  >"$work/credentials.ini"
ingest_with profile "$AWS_ENDPOINT_URL" AWS_SHARED_CREDENTIALS_FILE="$work/credentials.ini" AWS_PROFILE=loader
expect_loaded profile
grep -q "credentials from profile loader in $work/credentials.ini" "$work/profile.err" ||
  { cat "$work/profile.err" >&2; fail "profile: the source is not logged"; }
mkdir -p "$work/home/.aws"
printf '[profile cfg]\nregion = us-east-1\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n' \
  >"$work/home/.aws/config"
ingest_with config "$AWS_ENDPOINT_URL" AWS_PROFILE=cfg
expect_loaded config
grep -q "credentials from profile cfg in $work/home/.aws/config" "$work/config.err" || fail "config: source not logged"
rm "$work/home/.aws/config"

# --- 3. web identity ---
start_standin sts
ingest_with web_identity "$(proxy_of sts)" AWS_WEB_IDENTITY_TOKEN_FILE="$work/web-identity-token" \
  AWS_ROLE_ARN=arn:aws:iam::123456789012:role/sluice-loader AWS_ROLE_SESSION_NAME=sluice-test \
  AWS_ENDPOINT_URL_STS="http://127.0.0.1:$(port_of sts)"
expect_loaded web_identity
expect_signed_by sts sts
expect_eq "$(count_lines "$work/sts/credentials.log" "r['kind'] == 'sts' and r['status'] == 200 and r['session'] == 'sluice-test'")" \
  2 "web identity: AssumeRoleWithWebIdentity calls (the listing's client and the fetcher's)"

# --- 4. the container endpoint: relative URI, full URI with a token file, full URI with a token variable ---
start_standin ecs
ingest_with container_relative "$(proxy_of ecs)" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/task-1234 \
  SLUICE_CONTAINER_CREDENTIALS_ENDPOINT="http://127.0.0.1:$(port_of ecs)" AWS_CONTAINER_AUTHORIZATION_TOKEN="$container_token"
expect_loaded container_relative
expect_eq "$(count_lines "$work/ecs/credentials.log" "r['kind'] == 'container-relative' and r['authorization'] is None")" 2 \
  "container (relative URI): credential fetches, none sent the authorization token"
ingest_with container_full "$(proxy_of ecs)" AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$(port_of ecs)/full/credentials" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$work/container-token"
expect_loaded container_full
ingest_with container_full_env "$(proxy_of ecs)" AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$(port_of ecs)/full/credentials" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN="$container_token"
expect_loaded container_full_env
expect_signed_by ecs container
expect_eq "$(count_lines "$work/ecs/credentials.log" "r['kind'] == 'container-full' and r['status'] == 200")" 4 \
  "container (full URI): authorized credential fetches"

# --- 5. IMDSv2 ---
start_standin imds
ingest_with imds "$(proxy_of imds)" AWS_EC2_METADATA_DISABLED=false AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$(port_of imds)"
expect_loaded imds
expect_signed_by imds imds
expect_eq "$(count_lines "$work/imds/credentials.log" "r['kind'] == 'imds-token' and r.get('ttl') == '21600'" \
  "r['kind'] == 'imds-credentials' and r['status'] == 200" "r['status'] != 200")" "2 2 0" \
  "IMDSv2: session tokens asked for (TTL header), credential documents fetched with them, requests refused"

# --- 6. refresh before expiry: a run that outlives its first credentials meets no ExpiredToken ---
start_standin refresh --lifetime 20 --pace-tokens 2 --pace-fraction 0.8
ingest_with refresh "$(proxy_of refresh)" AWS_EC2_METADATA_DISABLED=false \
  AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:$(port_of refresh)"
expect_loaded refresh
expect_signed_by refresh imds  # no ExpiredToken, no unknown token
grep -q "S3: credentials from instance metadata .* refreshed, valid until" "$work/refresh.err" ||
  { cat "$work/refresh.err" >&2; fail "refresh: no refresh logged"; }
# Credentials handed out; session tokens S3 requests were signed with; requests answered after the first
# credentials had expired (all accepted, as expect_signed_by showed).
read -r issued tokens_used late < <(python3 - "$work/refresh" <<'PY'
import json, os, sys
read = lambda name: [json.loads(line) for line in open(os.path.join(sys.argv[1], name))]
issued = [r for r in read("credentials.log") if r["kind"] == "imds-credentials" and r["status"] == 200]
s3 = read("s3.log")
first_expiry = min(r["expires"] for r in issued)
print(len(issued), len({r["token"] for r in s3}), sum(1 for r in s3 if r["t"] > first_expiry))
PY
)
[ "$issued" -ge 3 ] || fail "refresh: only $issued credential fetches (the two clients' first, then refreshes)"
[ "$tokens_used" -ge 3 ] || fail "refresh: S3 requests were signed with only $tokens_used session tokens"
[ "$late" -gt 0 ] || fail "refresh: the run did not outlive its first credentials"
echo "ok - refresh: $issued credential fetches, $tokens_used session tokens, $late requests after the first expiry, no ExpiredToken"

# --- 7. a token expired early (announced an hour later): ExpiredToken, renewed once, retried ---
start_standin early --lifetime 6 --announce-extra 3600 --pace-tokens 2 --pace-fraction 1.05
ingest_with early "$(proxy_of early)" AWS_WEB_IDENTITY_TOKEN_FILE="$work/web-identity-token" \
  AWS_ROLE_ARN=arn:aws:iam::123456789012:role/sluice-loader AWS_ENDPOINT_URL_STS="http://127.0.0.1:$(port_of early)"
expect_loaded early
expired=$(count_lines "$work/early/s3.log" "r['status'] == 400")
[ "$expired" -ge 1 ] || fail "early expiry: the proxy never answered ExpiredToken"
expect_eq "$(count_lines "$work/early/credentials.log" "r['kind'] == 'sts' and r['status'] == 200")" 3 \
  "early expiry: credential fetches (two clients, one renewal for all $expired rejected requests)"
grep -q "S3 answered ExpiredToken; trying again with new credentials" "$work/early.err" || fail "early expiry: not logged"
echo "ok - early expiry: $expired x ExpiredToken, renewed once, every request retried"

# --- 8. refused tokens: exit 2, the service and the code named, the token never printed ---
ingest_with bad_web_identity "$(proxy_of sts)" AWS_WEB_IDENTITY_TOKEN_FILE="$work/container-token" \
  AWS_ROLE_ARN=arn:aws:iam::123456789012:role/sluice-loader AWS_ENDPOINT_URL_STS="http://127.0.0.1:$(port_of sts)"
expect_eq "$rc" 2 "refused web identity token: exit code"
grep -q "STS at http://127.0.0.1:$(port_of sts) refused role arn:aws:iam::123456789012:role/sluice-loader: 403 InvalidIdentityToken: Token \*\*\* is not valid" \
  "$work/bad_web_identity.err" || { cat "$work/bad_web_identity.err" >&2; fail "refused web identity: message"; }
ingest_with bad_container "$(proxy_of ecs)" AWS_CONTAINER_CREDENTIALS_FULL_URI="http://127.0.0.1:$(port_of ecs)/full/credentials" \
  AWS_CONTAINER_AUTHORIZATION_TOKEN="$web_identity_token"
expect_eq "$rc" 2 "refused container token: exit code"
grep -q "container credentials at http://127.0.0.1:$(port_of ecs)/full/credentials answered 401" "$work/bad_container.err" ||
  { cat "$work/bad_container.err" >&2; fail "refused container token: message"; }
echo "PASS"
