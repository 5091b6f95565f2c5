#!/usr/bin/env bash
# S3 announcements on Kafka against a real S3 protocol server (scripts/s3-local), through a proxy that logs
# every request. S3 does not order its event notifications, and a plain message may name a bare
# s3://bucket/key. A bare uri gets its identity from a HEAD before it is planned: announced again while the
# object is unchanged, it costs no GET. An event older (by its sequencer) than the newest the ledger recorded
# for the key is stale: skipped without any request, counted, its offset committed. Without a sequencer, the
# identity the GET returned decides under the ledger's lock. Several announcements of a key in one batch load
# it once, keeping the newest sequencer. An object that changed since its event loads as it is now.
source "$(dirname "$0")/kafka_common.sh"
s3_started=
if ! "$SLUICE_TOP/scripts/s3-local" status >/dev/null 2>&1; then
  "$SLUICE_TOP/scripts/s3-local" start >/dev/null
  s3_started=1
fi
proxy_pid=
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  [ -n "$s3_started" ] && "$SLUICE_TOP/scripts/s3-local" stop >/dev/null
  kafka_cleanup
}
trap cleanup EXIT
eval "$("$SLUICE_TOP/scripts/s3-local" env)"
bucket=$SLUICE_S3_BUCKET
key="kafka-versions-$$/site/day.csv"
REQUEST_LOG="$WORK/requests.log" python3 "$SLUICE_TOP/tests/integration/s3_slowdown_proxy.py" "${AWS_ENDPOINT_URL##*:}" \
  0 0 "$WORK/proxy.port" "$WORK/proxy.count" 2>"$WORK/proxy.log" &
proxy_pid=$!
wait_for 30 "the request-logging proxy" test -s "$WORK/proxy.port"
endpoint="http://127.0.0.1:$(cat "$WORK/proxy.port")"

put() {  # put FILE: stores FILE as the object (directly, not through the proxy), prints its ETag
  curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -H "Content-Type: application/octet-stream" -D - -o /dev/null \
    -T "$1" "$AWS_ENDPOINT_URL/$bucket/$key" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p'
}
header='ts,sensor_id,temperature,humidity,pressure,battery'
version_file() {  # version_file NAME MINUTE...: one row per minute
  local minute
  { echo "$header"; for minute in "${@:2}"; do echo "2026-01-01T00:$minute:00Z,s1,1.5,50,1000,3.3"; done; } >"$WORK/$1"
}
version_file v1.csv 00 01
version_file v2.csv 10 11 12
version_file v3.csv 20 21 22 23
version_file v4.csv 30 31 32 33 34
consume_once() {  # consume_once NAME: one consumer until idle, through the proxy
  local status=0
  : >"$WORK/requests.log"
  consume --group versions --batch-wait 1 --exit-when-idle 4 --s3-endpoint "$endpoint" \
    --summary-json "$WORK/$1.json" >"$WORK/$1.out" 2>"$WORK/$1.log" || status=$?
  expect_eq "$1: exit code" "$status" 0
}
requests() { grep -c "^$1 /$bucket/$key\$" "$WORK/requests.log" || true; }  # requests METHOD: of the object
kafka_count() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["kafka"][sys.argv[2]])' "$@"; }
rows() { q "SELECT count(*) FROM $SCHEMA.readings"; }
loaded() { q "SELECT etag || ' ' || coalesce(sequencer, '-') FROM $SCHEMA.files WHERE uri = 's3://$bucket/$key' AND status = 'loaded'"; }
size_of() { wc -c <"$WORK/$1"; }

etag1=$(put "$WORK/v1.csv")
[ -n "$etag1" ] || fail "no ETag from the upload"
start_mock 1
produce "$(uri_message "s3://$bucket/$key")"  # a bare uri: no size, no ETag, no sequencer
consume_once bare
expect_eq "the bare uri loaded the object" "$(rows)" 2
expect_eq "the ledger records the version read" "$(loaded)" "$etag1 -"
expect_eq "bare: HEADs" "$(requests HEAD)" 1
expect_eq "bare: GETs" "$(requests GET)" 1

produce "$(uri_message "s3://$bucket/$key")"  # announced bare again, the object unchanged
consume_once bare_again
grep -q "0 loaded, 1 skipped" "$WORK/bare_again.out" || fail "a bare re-announcement of a loaded object was not skipped"
expect_eq "bare again: HEADs" "$(requests HEAD)" 1
expect_eq "bare again: GETs (an unchanged object is not downloaded)" "$(requests GET)" 0

etag2=$(put "$WORK/v2.csv")  # overwritten, announced bare
produce "$(uri_message "s3://$bucket/$key")"
consume_once overwritten
expect_eq "the overwritten object replaced the old one" "$(rows)" 3
expect_eq "the ledger has the new version" "$(loaded)" "$etag2 -"
expect_eq "overwritten: GETs" "$(requests GET)" 1

# Events with sequencers (as S3 sends them: hex, upper case, no fixed length).
etag3=$(put "$WORK/v3.csv")
produce "$(s3_event_seq ObjectCreated:Put "$bucket" "$key" "$(size_of v3.csv)" "$etag3" 0062E99A88DC407460)"
consume_once seq_new
expect_eq "a newer event loads" "$(rows)" 4
expect_eq "the ledger keeps the event's sequencer" "$(loaded)" "$etag3 0062E99A88DC407460"

# v2's event arrives late: its sequencer is older (shorter, compared left-padded). Skipped before any request.
produce "$(s3_event_seq ObjectCreated:Put "$bucket" "$key" "$(size_of v2.csv)" "$etag2" 62E99A88DC407459)"
consume_once seq_stale
grep -q "0 loaded, 1 skipped" "$WORK/seq_stale.out" || fail "a stale event was not skipped"
expect_eq "stale events counted" "$(kafka_count "$WORK/seq_stale.json" stale)" 1
expect_eq "stale: requests to S3" "$(($(requests HEAD) + $(requests GET)))" 0
expect_eq "rows after the stale event" "$(rows)" 4
expect_eq "the ledger still has the newer version" "$(loaded)" "$etag3 0062E99A88DC407460"

# One batch announces v4 (newest sequencer) and then v3 again (older): loaded once, the newest sequencer kept.
etag4=$(put "$WORK/v4.csv")
produce "$(s3_event_seq ObjectCreated:Put "$bucket" "$key" "$(size_of v4.csv)" "$etag4" 0062E99A88DC4074A0)" \
  "$(s3_event_seq ObjectCreated:Put "$bucket" "$key" "$(size_of v3.csv)" "$etag3" 0062E99A88DC407460)"
consume_once one_batch
expect_eq "one batch: announced again" "$(summary_merged "$WORK/one_batch.out")" 1
expect_eq "one batch: GETs" "$(requests GET)" 1
expect_eq "one batch: rows" "$(rows)" 5
expect_eq "one batch: the newest sequencer" "$(loaded)" "$etag4 0062E99A88DC4074A0"

# An event without a sequencer naming an older version: the identity the GET returned (the loaded one) decides.
produce "$(s3_event ObjectCreated:Put "$bucket" "$key" "$(size_of v1.csv)" "$etag1")"
consume_once plain_stale
grep -q "0 loaded, 1 skipped" "$WORK/plain_stale.out" || fail "an old version's event without sequencer was not skipped"
expect_eq "rows after it" "$(rows)" 5
expect_eq "the ledger still has the newest version" "$(loaded)" "$etag4 0062E99A88DC4074A0"

# The object changes between its event and the load: the version there is now loads and is recorded (never a
# failure); the newer version's own event is then a skip.
version_file v5.csv 40
version_file v6.csv 50 51
etag5=$(put "$WORK/v5.csv")
etag6=$(put "$WORK/v6.csv")
produce "$(s3_event_seq ObjectCreated:Put "$bucket" "$key" "$(size_of v5.csv)" "$etag5" 0062E99A88DC4074B0)"
consume_once changed
expect_eq "changed: rows of the version there is now" "$(rows)" 2
expect_eq "changed: the ledger records what was read" "$(loaded)" "$etag6 0062E99A88DC4074B0"
produce "$(s3_event_seq ObjectCreated:Put "$bucket" "$key" "$(size_of v6.csv)" "$etag6" 0062E99A88DC4074C0)"
consume_once changed_event
grep -q "0 loaded, 1 skipped" "$WORK/changed_event.out" || fail "the loaded version's own event was not skipped"
expect_eq "changed: no GET for it" "$(requests GET)" 0

consume_once last  # every offset was committed, the stale one too
expect_eq "messages delivered again" "$(kafka_count "$WORK/last.json" messages)" 0
expect_eq "no failed row" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE status IN ('failed', 'given_up')")" 0
expect_eq "sensor-hours" "$(q "SELECT sum(rows) FROM $SCHEMA.sensor_hourly")" 2
curl -sS --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
  -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X DELETE "$AWS_ENDPOINT_URL/$bucket/$key" >/dev/null || true
finish
