#!/usr/bin/env bash
# Error classes in consume mode, against a real S3 protocol server (scripts/s3-local) behind a fault proxy.
# An error about one object (404 NoSuchKey: deleted after its event) fails that file, the others load and the
# offsets are committed (the failed file stays retryable through `sluice retry`). An error about the run's
# environment (400 ExpiredToken) stops the consumer with exit 3: nothing marked failed, no offset committed,
# so the same messages load once the environment is fixed.
source "$(dirname "$0")/kafka_common.sh"
s3_started=
if ! "$SLUICE_TOP/scripts/s3-local" status >/dev/null 2>&1; then
  "$SLUICE_TOP/scripts/s3-local" start >/dev/null
  s3_started=1
fi
proxy_pids=()
cleanup() {
  local pid
  for pid in "${proxy_pids[@]}"; do kill "$pid" 2>/dev/null; done
  [ -n "$s3_started" ] && "$SLUICE_TOP/scripts/s3-local" stop >/dev/null
  kafka_cleanup
}
trap cleanup EXIT
eval "$("$SLUICE_TOP/scripts/s3-local" env)"
bucket=$SLUICE_S3_BUCKET
prefix="kafka-errors-$$"
start_proxy() {  # start_proxy NAME MISSING_SUFFIX EXPIRED_SUFFIX: sets ENDPOINT
  python3 "$SLUICE_TOP/tests/integration/s3_slowdown_proxy.py" "${AWS_ENDPOINT_URL##*:}" 0 0 "$WORK/$1.port" \
    "$WORK/$1.count" "$2" "$3" 2>"$WORK/$1.proxy.log" &
  proxy_pids+=($!)
  wait_for 30 "the $1 proxy" test -s "$WORK/$1.port"
  ENDPOINT="http://127.0.0.1:$(cat "$WORK/$1.port")"
}
put() {  # put NAME: uploads a one-row CSV as $prefix/NAME, prints "SIZE ETAG"
  { echo 'ts,sensor_id,temperature,humidity,pressure,battery'; echo "2026-01-01T00:00:00Z,$1,1.5,50,1000,3.3"; } >"$WORK/$1"
  local etag
  etag=$(curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -H "Content-Type: application/octet-stream" -D - -o /dev/null \
    -T "$WORK/$1" "$AWS_ENDPOINT_URL/$bucket/$prefix/$1" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p')
  echo "$(wc -c <"$WORK/$1") $etag"
}
event_for() {  # event_for NAME: an ObjectCreated event for the uploaded object
  local size etag
  read -r size etag < <(put "$1")
  s3_event ObjectCreated:Put "$bucket" "$prefix/$1" "$size" "$etag"
}
run() {  # run NAME ENDPOINT: one consumer until idle; sets STATUS
  STATUS=0
  consume --group errors --batch-wait 1 --exit-when-idle 4 --s3-endpoint "$2" --summary-json "$WORK/$1.json" \
    >"$WORK/$1.out" 2>"$WORK/$1.log" || STATUS=$?
}
kafka_count() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kafka"][sys.argv[2]])' "$@"; }
status_of() { q "SELECT coalesce(string_agg(status, ','), 'none') FROM $SCHEMA.files WHERE uri = 's3://$bucket/$prefix/$1'"; }

start_mock 1
produce "$(event_for good.csv)" "$(event_for gone.csv)"
start_proxy missing "/gone.csv" ""
run per_object "$ENDPOINT"
expect_eq "404: exit code (a file failed)" "$STATUS" 1
expect_eq "404: the other object" "$(status_of good.csv)" loaded
expect_eq "404: the missing object" "$(status_of gone.csv)" failed
grep -q "NoSuchKey" <(q "SELECT error FROM $SCHEMA.files WHERE uri LIKE '%/gone.csv'") || fail "404: the reason does not name NoSuchKey"
run after_404 "$AWS_ENDPOINT_URL"
expect_eq "404: messages delivered again (offsets committed)" "$(kafka_count "$WORK/after_404.json" messages)" 0

produce "$(event_for expired.csv)"
start_proxy expired "" "/expired.csv"
run environment "$ENDPOINT"
expect_eq "ExpiredToken: exit code" "$STATUS" 3
grep -q "ExpiredToken" "$WORK/environment.out" "$WORK/environment.log" || fail "ExpiredToken: not reported"
expect_eq "ExpiredToken: nothing marked failed" "$(status_of expired.csv)" none
run fixed "$AWS_ENDPOINT_URL"  # the environment fixed: the same message again (its offset was not committed)
expect_eq "fixed: exit code" "$STATUS" 0
expect_eq "fixed: messages delivered again" "$(kafka_count "$WORK/fixed.json" messages)" 1
expect_eq "fixed: the object" "$(status_of expired.csv)" loaded
expect_eq "rows" "$(q "SELECT count(*) FROM $SCHEMA.readings")" 2
for name in good.csv gone.csv expired.csv; do
  curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X DELETE "$AWS_ENDPOINT_URL/$bucket/$prefix/$name" >/dev/null || true
done
finish
