#!/usr/bin/env bash
# s3: `sluice ingest s3://bucket/prefix` against a real S3 protocol server that verifies SigV4 signatures
# (scripts/s3-local) and the test PostgreSQL. Checks, each able to fail:
#  1. gen-data files (plain, .gz, .zst) + 1,100 two-row files under one prefix (more than one
#     ListObjectsV2 page) load with exactly the valid/rejected counts of expected.json; uris are
#     s3://bucket/key with unquoted etags; expected.json itself is not loaded (include patterns);
#  2. a re-run skips every file and loads 0 rows;
#  3. a wrong secret or key id exits 2 before loading, naming the bucket and the S3 error code, and
#     never printing the secret;
#  4. through a proxy answering 503 SlowDown (first requests, then every 40th), two S3 prefixes plus a
#     local folder load the same counts, and the summary counts exactly one retry per injected 503;
#  5. an object gone between listing and GET (404 NoSuchKey) fails that file only, named with the code.
# Needs SLUICE_BIN, SLUICE_TOP and the PG* environment (scripts/run-tests sets them).
set -euo pipefail
: "${SLUICE_BIN:?set SLUICE_BIN to the sluice binary}" "${SLUICE_TOP:?set SLUICE_TOP to the checkout}"
top=$SLUICE_TOP
schema=s3_test_$$
schema_proxy=s3_test_$$_proxy
schema_expired=s3_test_$$_expired
schema_missing=s3_test_$$_missing
work=$(mktemp -d "${TMPDIR:-/tmp}/sluice-s3-test.XXXXXX")
started_s3=0
proxy_pid=
proxy2_pid=
proxy3_pid=
prefix=

psql_q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { [ "$2" = "$3" ] || fail "$1: expected $3, got $2"; }
json() { python3 -c "import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {'d': d}))" "$@"; }

cleanup() {
  local code=$?
  set +e
  for pid in $proxy_pid $proxy2_pid $proxy3_pid; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
  for name in $schema $schema_proxy $schema_missing $schema_expired; do
    psql -X -q -c "DROP SCHEMA IF EXISTS $name CASCADE" >/dev/null 2>&1
  done
  if [ -n "$prefix" ] && [ -f "$work/keys" ]; then  # the objects this test stored
    sed "s|.*|url = \"$AWS_ENDPOINT_URL/$bucket/&\"|" "$work/keys" >"$work/delete.curl"
    s3_curl -X DELETE -K "$work/delete.curl" >/dev/null 2>&1
  fi
  [ "$started_s3" = 1 ] && "$top/scripts/s3-local" stop >/dev/null
  rm -rf "$work"
  exit $code
}
trap cleanup EXIT

if ! "$top/scripts/s3-local" status >/dev/null 2>&1; then
  "$top/scripts/s3-local" start >/dev/null
  started_s3=1
fi
eval "$("$top/scripts/s3-local" env)"
bucket=$SLUICE_S3_BUCKET
prefix=run-$$-$RANDOM

# An uploader that does not depend on sluice: curl's own SigV4 signing (curl 7.88 needs the payload hash
# header set by hand). Many transfers run in one curl process, from a config file of url/upload-file pairs.
s3_curl() {
  curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}
upload_tree() {  # DIR KEY_PREFIX: every file under DIR, keys KEY_PREFIX/relative/path
  local dir=$1 key_prefix=$2 config=$work/upload.curl count
  (cd "$dir" && find . -type f | sed 's|^\./||' | sort) | while read -r rel; do
    echo "$key_prefix/$rel" >>"$work/keys"
    printf 'url = "%s/%s/%s/%s"\nupload-file = "%s/%s"\n' "$AWS_ENDPOINT_URL" "$bucket" "$key_prefix" "$rel" "$dir" "$rel"
  done >"$config"
  count=$(grep -c '^url' "$config")
  s3_curl --no-progress-meter --parallel --parallel-max 8 -H "Content-Type: application/octet-stream" -o /dev/null \
    -w '%{http_code}\n' -K "$config" >"$work/upload.codes"
  expect "uploads answered 200 from $dir" "$(grep -c '^200$' "$work/upload.codes")" "$count"
}

# --- data: gen-data's sensor files, and 1,100 tiny files under one prefix for pagination ---
t0=$(now)
"$top/scripts/gen-data" "$work/data" --files 15 --rows 60000 --compress mixed >/dev/null
mkdir -p "$work/many" "$work/local"
for i in $(seq -w 0 1099); do
  printf 'ts,sensor_id,temperature,humidity,pressure,battery\n2026-01-0%dT00:00:00Z,tiny-%s,21.5,40.0,1000.0,3.7\n2026-01-0%dT01:00:00Z,tiny-%s,22.5,,1001.0,\n' \
    $((1 + 10#$i % 9)) "$i" $((1 + 10#$i % 9)) "$i" >"$work/many/part-$i.csv"
done
for i in 1 2 3; do cp "$work/many/part-000$i.csv" "$work/local/local-$i.csv"; done
valid=$(json "$work/data/expected.json" "d['valid']")
rejected=$(json "$work/data/expected.json" "d['rejected']")
data_files=$(json "$work/data/expected.json" "d['files']")
total_files=$((data_files + 1100))
total_valid=$((valid + 2200))
upload_tree "$work/data" "$prefix/data"  # expected.json goes up too: it must not be loaded
upload_tree "$work/many" "$prefix/many"
keys=$(wc -l <"$work/keys")
echo "uploaded $keys keys to s3://$bucket/$prefix/ in $(since "$t0") s"

# --- 1. one run over the whole prefix ---
t0=$(now)
"$SLUICE_BIN" ingest "s3://$bucket/$prefix/" --schema "$schema" --progress never \
  --summary-json "$work/run1.json" >"$work/run1.out" 2>"$work/run1.err" ||
  { code=$?; cat "$work/run1.out" "$work/run1.err" >&2; fail "first ingest exited $code"; }
run1_seconds=$(since "$t0")
expect "files loaded" "$(json "$work/run1.json" "d['files']['loaded']")" "$total_files"
expect "files failed" "$(json "$work/run1.json" "d['files']['failed']")" 0
expect "readings rows" "$(psql_q "SELECT count(*) FROM $schema.readings")" "$total_valid"
expect "rejects rows" "$(psql_q "SELECT count(*) FROM $schema.rejects")" "$rejected"
expect "ledger rows" "$(psql_q "SELECT count(*) FROM $schema.files WHERE status = 'loaded'")" "$total_files"
expect "ledger uris" "$(psql_q "SELECT count(*) FROM $schema.files WHERE uri LIKE 's3://$bucket/$prefix/%'")" \
  "$total_files"
expect "quoted etags" "$(psql_q "SELECT count(*) FROM $schema.files WHERE etag LIKE '%\"%' OR etag = ''")" 0
expect "expected.json not loaded" "$(psql_q "SELECT count(*) FROM $schema.files WHERE uri LIKE '%.json'")" 0
expect "tiny file etag" "$(psql_q "SELECT etag FROM $schema.files WHERE uri = 's3://$bucket/$prefix/many/part-0007.csv'")" \
  "$(md5sum <"$work/many/part-0007.csv" | cut -d' ' -f1)"
grep -q "s3://$bucket/$prefix/: listed $keys keys ($total_files to load) in 2 pages" "$work/run1.err" ||
  { cat "$work/run1.err" >&2; fail "the listing did not report $keys keys in 2 pages"; }
echo "run 1: $total_files files, $total_valid rows loaded, $rejected rejected in $run1_seconds s"

# --- 2. a re-run skips everything ---
t0=$(now)
"$SLUICE_BIN" ingest "s3://$bucket/$prefix/" --schema "$schema" --progress never \
  --summary-json "$work/run2.json" >"$work/run2.out" 2>"$work/run2.err" ||
  { code=$?; cat "$work/run2.out" "$work/run2.err" >&2; fail "re-run exited $code"; }
expect "re-run rows loaded" "$(json "$work/run2.json" "d['rows']['loaded']")" 0
expect "re-run files skipped" "$(json "$work/run2.json" "d['files']['skipped']")" "$total_files"
expect "readings rows after re-run" "$(psql_q "SELECT count(*) FROM $schema.readings")" "$total_valid"
echo "run 2: all $total_files files skipped in $(since "$t0") s"

# --- 3. wrong credentials: exit 2, bucket and S3 error code named, secret never printed ---
check_refused() {  # NAME KEY_ID SECRET CODES
  local name=$1 code=0
  AWS_ACCESS_KEY_ID=$2 AWS_SECRET_ACCESS_KEY=$3 "$SLUICE_BIN" ingest "s3://$bucket/$prefix/" --schema "$schema" \
    --progress never >"$work/$name.out" 2>"$work/$name.err" || code=$?
  expect "$name: exit code" "$code" 2
  grep -q "s3://$bucket/$prefix/" "$work/$name.err" || { cat "$work/$name.err" >&2; fail "$name: bucket not named"; }
  grep -Eq "403 ($4)" "$work/$name.err" || { cat "$work/$name.err" >&2; fail "$name: no 403 $4 in the message"; }
  if grep -q -- "$3" "$work/$name.out" "$work/$name.err"; then fail "$name: the secret was printed"; fi
  echo "$name: $(head -1 "$work/$name.err" | cut -c1-150)"
}
check_refused wrong-secret "$AWS_ACCESS_KEY_ID" "not-the-secret-4711" "SignatureDoesNotMatch"
check_refused wrong-key-id "NOSUCHKEYID" "$AWS_SECRET_ACCESS_KEY-x9" "InvalidAccessKeyId|SignatureDoesNotMatch"
expect "rows after refused runs" "$(psql_q "SELECT count(*) FROM $schema.readings")" "$total_valid"

# --- 4. 503 SlowDown through a proxy: retried, same counts, retries in the summary ---
python3 "$top/tests/integration/s3_slowdown_proxy.py" "${AWS_ENDPOINT_URL##*:}" 3 40 "$work/proxy.port" \
  "$work/proxy.count" 2>"$work/proxy.err" &
proxy_pid=$!
for _ in $(seq 1 50); do [ -s "$work/proxy.port" ] && break; sleep 0.1; done
[ -s "$work/proxy.port" ] || { cat "$work/proxy.err" >&2; fail "the fault proxy did not start"; }
t0=$(now)
"$SLUICE_BIN" ingest "s3://$bucket/$prefix/data/" "s3://$bucket/$prefix/many/" "$work/local" \
  --s3-endpoint "http://127.0.0.1:$(cat "$work/proxy.port")" --schema "$schema_proxy" --progress never \
  --summary-json "$work/run4.json" >"$work/run4.out" 2>"$work/run4.err" ||
  { code=$?; cat "$work/run4.out" "$work/run4.err" >&2; fail "ingest through the fault proxy exited $code"; }
injected=$(cat "$work/proxy.count")
[ "$injected" -gt 3 ] || fail "the proxy injected only $injected 503s"
expect "proxy run files loaded" "$(json "$work/run4.json" "d['files']['loaded']")" $((total_files + 3))
expect "proxy run readings" "$(psql_q "SELECT count(*) FROM $schema_proxy.readings")" $((total_valid + 6))
expect "proxy run rejects" "$(psql_q "SELECT count(*) FROM $schema_proxy.rejects")" "$rejected"
expect "retries in the JSON summary" "$(json "$work/run4.json" "d['retries']")" "$injected"
grep -q "retries: $injected" "$work/run4.out" || { cat "$work/run4.out" >&2; fail "no 'retries: $injected' line"; }
grep -q "SlowDown" "$work/run4.err" || fail "the retries were not logged"
echo "run 4 (fault proxy): $injected x 503 SlowDown retried, same counts in $(since "$t0") s"

# --- 5. a listed object that is gone at GET time fails alone, with bucket, key and S3 code named ---
python3 "$top/tests/integration/s3_slowdown_proxy.py" "${AWS_ENDPOINT_URL##*:}" 0 0 "$work/proxy2.port" \
  "$work/proxy2.count" "/part-0005.csv" 2>"$work/proxy2.err" &
proxy2_pid=$!
for _ in $(seq 1 50); do [ -s "$work/proxy2.port" ] && break; sleep 0.1; done
[ -s "$work/proxy2.port" ] || { cat "$work/proxy2.err" >&2; fail "the second proxy did not start"; }
code=0
AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$work/proxy2.port")" "$SLUICE_BIN" ingest \
  "s3://$bucket/$prefix/many/part-000" --schema "$schema_missing" --progress never \
  --summary-json "$work/run5.json" >"$work/run5.out" 2>"$work/run5.err" || code=$?
expect "missing object: exit code" "$code" 1
expect "missing object: files loaded" "$(json "$work/run5.json" "d['files']['loaded']")" 9
expect "missing object: files failed" "$(json "$work/run5.json" "d['files']['failed']")" 1
expect "missing object: reason" "$(json "$work/run5.json" "d['failed_files'][0]['reason'].split(' (')[0]")" \
  "s3://$bucket/$prefix/many/part-0005.csv: 404 NoSuchKey: The specified key does not exist."
expect "missing object: readings" "$(psql_q "SELECT count(*) FROM $schema_missing.readings")" 18
echo "run 5: 404 NoSuchKey failed 1 of 10 files: $(json "$work/run5.json" "d['failed_files'][0]['reason']")"

# --- 6. an error about the environment (the session token expired) stops the run: exit 3, nothing failed ---
python3 "$top/tests/integration/s3_slowdown_proxy.py" "${AWS_ENDPOINT_URL##*:}" 0 0 "$work/proxy3.port" \
  "$work/proxy3.count" "" "/part-0007.csv" 2>"$work/proxy3.err" &
proxy3_pid=$!
for _ in $(seq 1 50); do [ -s "$work/proxy3.port" ] && break; sleep 0.1; done
[ -s "$work/proxy3.port" ] || { cat "$work/proxy3.err" >&2; fail "the third proxy did not start"; }
code=0
AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$work/proxy3.port")" "$SLUICE_BIN" ingest \
  "s3://$bucket/$prefix/many/part-000" --schema "$schema_expired" --progress never --unit-bytes 1 \
  --summary-json "$work/run6.json" >"$work/run6.out" 2>"$work/run6.err" || code=$?
expect "expired token: exit code" "$code" 3
grep -q "ExpiredToken" "$work/run6.err" || fail "the ExpiredToken error is not reported"
expect "expired token: files marked failed" "$(psql_q "SELECT count(*) FROM $schema_expired.files WHERE status <> 'loaded'")" 0
kill "$proxy3_pid" 2>/dev/null && wait "$proxy3_pid" 2>/dev/null || true
code=0
"$SLUICE_BIN" ingest "s3://$bucket/$prefix/many/part-000" --schema "$schema_expired" --progress never \
  --summary-json "$work/run6b.json" >/dev/null 2>&1 || code=$?
expect "expired token: a re-run with working credentials" "$code" 0
expect "expired token: every file loaded after the re-run" \
  "$(psql_q "SELECT count(*) FROM $schema_expired.files WHERE status = 'loaded'")" 10
echo "run 6: ExpiredToken stopped the run with exit 3, nothing marked failed, the re-run loaded everything"
echo "PASS"
