# Shared by the kafka_*_test.sh scripts (sourced; not a test itself: the glob takes *_test.sh only).
# Each test gets its own mock Kafka cluster (tests/tools/kafka_mock), its own schema kafka_t_<pid>
# and its own temporary folder; all three are removed at exit. PostgreSQL comes from the PG* variables
# that scripts/run-tests exports.
set -euo pipefail
: "${SLUICE_BIN:?SLUICE_BIN must point at the sluice binary}" "${SLUICE_TOP:?SLUICE_TOP must point at the source tree}"
KAFKA_MOCK="$(dirname "$SLUICE_BIN")/../tests/tools/kafka_mock"
[ -x "$KAFKA_MOCK" ] || { echo "FAIL: $KAFKA_MOCK is not built (tests/tools/CMakeLists.txt)"; exit 1; }

WORK=$(mktemp -d /tmp/sluice-kafka-XXXXXX)
SCHEMA=kafka_t_$$
TOPIC=events
MOCK_PID=
MOCK_ARGS=()  # more kafka_mock arguments for start_mock, e.g. (--refuse-commits 1)
CONSUMER_PIDS=()
STARTED=$SECONDS

kafka_cleanup() {
  local pid
  for pid in "${CONSUMER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  exec 7>&- 2>/dev/null || true  # closing the mock's stdin ends it
  if [ -n "$MOCK_PID" ]; then
    kill "$MOCK_PID" 2>/dev/null || true
    wait "$MOCK_PID" 2>/dev/null || true
  fi
  psql -Atqc "DROP SCHEMA IF EXISTS $SCHEMA CASCADE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap kafka_cleanup EXIT

fail() {
  echo "FAIL: $*"
  for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log"; tail -n 40 "$log"; }; done
  exit 1
}

q() { psql -Atqc "$1"; }

expect_eq() {  # what got want
  [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
  echo "ok: $1 = $3"
}

json_get() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.2 s.
wait_for() {
  local limit=$1 what=$2 deadline=$((SECONDS + $1))
  shift 2
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "waited $limit s for $what"
    sleep 0.2
  done
}

# start_mock PARTITIONS [MESSAGES_FILE]: sets BROKERS and returns once the file's messages are on the topic.
# Lines written to fd 7 later are produced too (see produce).
PRODUCED=0
start_mock() {
  local args=(--topic "$TOPIC" --partitions "$1" "${MOCK_ARGS[@]}")
  [ $# -ge 2 ] && args+=(--messages "$2")
  mkfifo "$WORK/mock.in"
  "$KAFKA_MOCK" "${args[@]}" <"$WORK/mock.in" >"$WORK/mock.out" 2>"$WORK/mock.log" &
  MOCK_PID=$!
  exec 7>"$WORK/mock.in"
  wait_for 10 "the mock cluster" test -s "$WORK/mock.out"
  BROKERS=$(head -n 1 "$WORK/mock.out")
  if [ $# -ge 2 ]; then
    PRODUCED=$(wc -l <"$2")
    wait_for 10 "$PRODUCED messages produced" grep -q "produced $PRODUCED\$" "$WORK/mock.log"
  fi
}

# produce LINE...: one message per argument, after the ones already produced; returns once the mock has
# delivered them (its "produced N" line), so a consumer started next finds them on the topic.
produce() {
  local line
  for line in "$@"; do
    printf '%s\n' "$line" >&7
    PRODUCED=$((PRODUCED + 1))
  done
  wait_for 10 "$PRODUCED messages produced" grep -q "produced $PRODUCED\$" "$WORK/mock.log"
}

# consume ARGS...: runs sluice consume against the mock and this test's schema. The short session timeout
# matters to the mock coordinator (librdkafka 2.0.2): after a member leaves or dies, the next join waits
# session.timeout.ms - 1 s (45 s by default) instead of rebalancing at once as a real broker does.
consume() {
  "$SLUICE_BIN" consume --brokers "$BROKERS" --topic "$TOPIC" --schema "$SCHEMA" --progress never --local-root "$WORK" \
    --kafka-property session.timeout.ms=6000 "$@" 7>&-
}

# consume_bg OUT LOG ARGS...: consume in the background, stdout to OUT and stderr to LOG; appends its pid to
# CONSUMER_PIDS. The pid is sluice's own (the subshell execs it), so a signal sent to it reaches sluice: with
# `consume ... &`, $! is a bash subshell, and kill -9 of it would leave sluice running.
consume_bg() {
  local out=$1 log=$2
  shift 2
  (exec "$SLUICE_BIN" consume --brokers "$BROKERS" --topic "$TOPIC" --schema "$SCHEMA" --progress never \
    --local-root "$WORK" --kafka-property session.timeout.ms=6000 "$@" >"$out" 2>"$log" 7>&-) &
  CONSUMER_PIDS+=($!)
}

uri_message() { printf '{"uri": "%s"}' "$1"; }

# An S3 event notification as AWS shapes it (one record).
s3_event() {  # s3_event EVENT_NAME BUCKET KEY SIZE ETAG
  printf '{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"%s","s3":{"bucket":{"name":"%s"},"object":{"key":"%s","size":%s,"eTag":"%s"}}}]}' \
    "$1" "$2" "$3" "$4" "$5"
}

# s3_event_seq EVENT_NAME BUCKET KEY SIZE ETAG SEQUENCER: the same, with the object's sequencer (hex; per key,
# larger is later) as S3 sends it.
s3_event_seq() {
  printf '{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"%s","s3":{"bucket":{"name":"%s"},"object":{"key":"%s","size":%s,"eTag":"%s","sequencer":"%s"}}}]}' \
    "$1" "$2" "$3" "$4" "$5" "$6"
}

# summary_files OUT: "LISTED LOADED SKIPPED FAILED" from a run's summary ("sluice: 9 files: 8 loaded, 1 skipped ...").
summary_files() {
  sed -n 's/^sluice[^:]*: \([0-9,]*\) files: \([0-9,]*\) loaded, \([0-9,]*\) skipped.*, \([0-9,]*\) failed$/\1 \2 \3 \4/p' "$1" |
    tr -d ,
}

# summary_merged OUT: announcements merged into an earlier one of the same file in the same batch (0 if none).
summary_merged() {
  local merged
  merged=$(sed -n 's/.*, \([0-9,]*\) announced again in their batch.*/\1/p' "$1" | tr -d ,)
  echo "${merged:-0}"
}

finish() { echo "PASS ($((SECONDS - STARTED)) s)"; }
