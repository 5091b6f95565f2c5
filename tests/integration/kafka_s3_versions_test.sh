#!/usr/bin/env bash
# S3 announcements on Kafka against a real S3 protocol server (scripts/s3-local): S3 does not order its event
# notifications, and an event may name a bare s3://bucket/key. sluice loads the object as it is at GET time and
# records the version it read, deciding under the ledger's lock: a bare announcement of a loaded object is a
# skip, a stale event (the ETag of an older version) never replaces newer data, and a new version replaces
# the old one once.
source "$(dirname "$0")/kafka_common.sh"
if ! "$SLUICE_TOP/scripts/s3-local" status >/dev/null 2>&1; then
  "$SLUICE_TOP/scripts/s3-local" start >/dev/null
  trap '"$SLUICE_TOP/scripts/s3-local" stop >/dev/null; kafka_cleanup' EXIT
fi
eval "$("$SLUICE_TOP/scripts/s3-local" env)"
bucket=$SLUICE_S3_BUCKET
key="kafka-versions-$$/site/day.csv"
put() {  # put FILE: stores FILE as the object, prints its ETag
  curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -H "Content-Type: application/octet-stream" -D - -o /dev/null \
    -T "$1" "$AWS_ENDPOINT_URL/$bucket/$key" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p'
}
header='ts,sensor_id,temperature,humidity,pressure,battery'
{ echo "$header"; echo "2026-01-01T00:00:00Z,s1,1.5,50,1000,3.3"; echo "2026-01-01T00:01:00Z,s1,2.5,50,1000,3.3"; } >"$WORK/v1.csv"
{ echo "$header"; for m in 10 11 12; do echo "2026-01-01T00:$m:00Z,s1,7.5,50,1000,3.3"; done; } >"$WORK/v2.csv"
consume_once() {  # consume_once GROUP: one consumer until idle
  local status=0
  consume --group "$1" --batch-wait 1 --exit-when-idle 4 --s3-endpoint "$AWS_ENDPOINT_URL" >"$WORK/$1.out" 2>"$WORK/$1.log" ||
    status=$?
  expect_eq "$1: exit code" "$status" 0
}
loaded_etag() { q "SELECT etag FROM $SCHEMA.files WHERE uri = 's3://$bucket/$key' AND status = 'loaded'"; }

etag1=$(put "$WORK/v1.csv")
[ -n "$etag1" ] || fail "no ETag from the upload"
start_mock 1
produce "{\"uri\": \"s3://$bucket/$key\"}"  # a bare uri: no size, no ETag
consume_once first
expect_eq "the bare uri loaded the object" "$(q "SELECT count(*) FROM $SCHEMA.readings")" 2
expect_eq "the ledger records the version read" "$(loaded_etag)" "$etag1"

produce "{\"uri\": \"s3://$bucket/$key\"}"  # announced bare again: the same version
consume_once first
grep -q "0 loaded, 1 skipped" "$WORK/first.out" || fail "a bare re-announcement of a loaded object was not skipped"

etag2=$(put "$WORK/v2.csv")
produce "$(s3_event ObjectCreated:Put "$bucket" "$key" "$(wc -c <"$WORK/v2.csv")" "$etag2")"
consume_once first
expect_eq "the new version replaced the old one" "$(q "SELECT count(*) FROM $SCHEMA.readings")" 3
expect_eq "the ledger has the new version" "$(loaded_etag)" "$etag2"

# The first upload's event, arriving late (S3 does not order notifications): it must not replace newer data.
produce "$(s3_event ObjectCreated:Put "$bucket" "$key" "$(wc -c <"$WORK/v1.csv")" "$etag1")"
consume_once first
grep -q "0 loaded, 1 skipped" "$WORK/first.out" || fail "a stale event was not skipped"
expect_eq "rows after the stale event" "$(q "SELECT count(*) FROM $SCHEMA.readings")" 3
expect_eq "the ledger still has the new version" "$(loaded_etag)" "$etag2"
expect_eq "no failed row" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status IN ('failed', 'given_up')")" 0
expect_eq "sensor-hours" "$(q "SELECT rows FROM $SCHEMA.sensor_hourly")" 3
curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X DELETE "$AWS_ENDPOINT_URL/$bucket/$key" >/dev/null || true
finish
