#!/usr/bin/env bash
# Who may name a file: a message on the topic must not steer consume into files it was not given. Local uris
# (absolute paths or RFC 8089 file:// uris, percent-decoded) load only under a --local-root, checked after
# resolving .. and symbolic links; nothing outside is opened, so no byte of it reaches the log or the ledger.
# --include filters announcements (a _SUCCESS marker is ignored, not failed); a file announced twice in a batch
# loads once; without --local-root every local uri is refused unopened.
source "$(dirname "$0")/kafka_common.sh"

"$SLUICE_TOP/scripts/gen-data" "$WORK/data" --files 2 --rows 2000 >/dev/null
mapfile -t files < <(find "$WORK/data" -name '*.csv' | sort)
spaced="$WORK/data/with space.csv"
cp "${files[1]}" "$spaced"
rm "${files[1]}"
secret_dir=$(mktemp -d /tmp/sluice-secret-XXXXXX)
trap 'rm -rf "$secret_dir"; kafka_cleanup' EXIT
printf 'TOPSECRET,line\nTOPSECRET,2\n' > "$secret_dir/secret.csv"
ln -s "$secret_dir/secret.csv" "$WORK/data/link.csv"
rows0=$(($(wc -l <"${files[0]}") - 1))
{
  uri_message "file://${files[0]}"; echo                            # 0: file:///abs
  uri_message "file://localhost${spaced// /%20}"; echo              # 1: file://localhost/..., %20
  uri_message "/etc/passwd"; echo                                   # 2: not a data file name: ignored, never opened
  uri_message "$secret_dir/secret.csv"; echo                        # 3: outside every root
  uri_message "$WORK/data/../../${secret_dir#/tmp/}/secret.csv"; echo  # 4: .. leads outside
  uri_message "$WORK/data/link.csv"; echo                           # 5: a link inside leads outside
  uri_message "$WORK/data/_SUCCESS"; echo                           # 6: not a data file name: ignored
  uri_message "${files[0]}"; echo                                   # 7: announced again
} >"$WORK/messages.txt"
start_mock 1 "$WORK/messages.txt"

status=0
consume --group admit --batch-files 100 --batch-wait 2 --exit-when-idle 5 >"$WORK/out.txt" 2>"$WORK/log.txt" || status=$?
cat "$WORK/out.txt"
expect_eq "exit code (refused messages fail)" "$status" 1
expect_eq "loaded files" "$(q "SELECT string_agg(uri, ' ' ORDER BY uri) FROM $SCHEMA.files WHERE status = 'loaded'")" \
  "${files[0]} $spaced"
expect_eq "ledger rows of the twice-announced file" "$(q "SELECT count(*) FROM $SCHEMA.files WHERE uri = '${files[0]}'")" 1
rows_of_first() { q "SELECT count(*) + (SELECT rows_rejected FROM $SCHEMA.files WHERE uri = '${files[0]}') FROM $SCHEMA.readings r JOIN $SCHEMA.files f USING (file_id) WHERE f.uri = '${files[0]}'"; }
expect_eq "its rows (loaded + rejected), once" "$(rows_of_first)" "$rows0"
expect_eq "refused messages" "$(q "SELECT string_agg(uri, ' ' ORDER BY file_id) FROM $SCHEMA.files WHERE status = 'failed'")" \
  "kafka://$TOPIC/0/3 kafka://$TOPIC/0/4 kafka://$TOPIC/0/5"
for offset in 3 4 5; do
  reason=$(q "SELECT error FROM $SCHEMA.files WHERE uri = 'kafka://$TOPIC/0/$offset'")
  [[ "$reason" == *"not under any --local-root"* ]] || fail "offset $offset: $reason"
done
echo "ok: every refusal says: not under any --local-root"
if grep -rq "TOPSECRET\|root:x:" "$WORK/out.txt" "$WORK/log.txt" ||
  [ "$(q "SELECT count(*) FROM $SCHEMA.files WHERE error LIKE '%TOPSECRET%' OR error LIKE '%root:x:%'")" != 0 ]; then
  fail "content of a file outside the roots leaked"
fi
echo "ok: no byte of a refused file in the output, the log or the ledger"
grep -q "events ignored" "$WORK/out.txt" || fail "no ignored count"
[[ "$(grep -o '[0-9]* events ignored' "$WORK/out.txt")" == "2 events ignored" ]] || fail "_SUCCESS and /etc/passwd were not ignored"
expect_eq "rows of a file outside" "$(q "SELECT count(*) FROM $SCHEMA.readings WHERE sensor_id LIKE 'TOPSECRET%'")" 0

# Without --local-root, local uris are refused unopened.
status=0
"$SLUICE_BIN" consume --brokers "$BROKERS" --topic "$TOPIC" --schema "${SCHEMA}" --group noroot --progress never \
  --kafka-property session.timeout.ms=6000 --batch-wait 1 --exit-when-idle 5 >"$WORK/noroot.txt" 2>&1 7>&- || status=$?
expect_eq "exit code without --local-root" "$status" 1
grep -q "local paths are refused" "$WORK/noroot.txt" || fail "local paths were not refused without --local-root"
expect_eq "rows still loaded once" "$(rows_of_first)" "$rows0"

# A file a consumer failed has its offset committed: `sluice retry --manifest` plus `ingest @manifest` loads it
# once it is fixed (the documented way; the topic is not replayed).
printf 'garbage\n' > "$WORK/data/late.csv"
produce "$(uri_message "$WORK/data/late.csv")"
status=0
consume --group admit --batch-wait 1 --exit-when-idle 4 >"$WORK/late.out" 2>&1 || status=$?
expect_eq "the broken file fails" "$status" 1
expect_eq "its ledger state" "$(q "SELECT status FROM $SCHEMA.files WHERE uri = '$WORK/data/late.csv'")" failed
cp "${files[0]}" "$WORK/data/late.csv"  # fixed
"$SLUICE_BIN" retry --schema "$SCHEMA" --all-failed --manifest "$WORK/retry.json" >"$WORK/retry.out"
grep -q "will be retried: $WORK/data/late.csv" "$WORK/retry.out" || fail "retry did not select the failed file"
grep -q "kafka://" "$WORK/retry.json" && fail "the manifest names an unusable message"
status=0
"$SLUICE_BIN" ingest "@$WORK/retry.json" --schema "$SCHEMA" --progress never --quiet >"$WORK/reingest.out" 2>&1 || status=$?
expect_eq "ingest @manifest of the retried files" "$status" 0
expect_eq "the fixed file is loaded" "$(q "SELECT status FROM $SCHEMA.files WHERE uri = '$WORK/data/late.csv' AND status <> 'superseded'")" loaded
finish
