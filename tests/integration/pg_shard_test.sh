# shards are disjoint and complete for N in {1, 3, 7}; plan -> ingest @manifest loads the
# same rows as a direct ingest; --shard I/N runs together load every file exactly once.
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 30 --rows 60000
find "$work/data" -name '*.csv' | sort > "$work/all.txt"

for n in 1 3 7; do
  "$SLUICE_BIN" plan "$work/data" --shards "$n" --out "$work/plan$n" > "$work/plan$n.json"
  expect_eq "$(json "$work/plan$n.json" 'len(d)')" "$n" "N=$n: manifests listed on stdout"
  python3 - "$work/plan$n" > "$work/union$n.txt" <<'PY'
import glob, json, sys
uris = [e["uri"] for path in sorted(glob.glob(sys.argv[1] + "/shard-*.json")) for e in json.load(open(path))["entries"]]
print("\n".join(sorted(uris)))
print("DUPLICATES" if len(uris) != len(set(uris)) else "", file=sys.stderr)
PY
  expect_eq "$(diff "$work/all.txt" "$work/union$n.txt" && echo same)" same "N=$n: union of the shards is the whole set, no overlap"
done

direct="${schema}_direct"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$direct\" CASCADE' >/dev/null 2>&1")
run_sluice ingest "$work/data" --schema "$direct" --progress never --quiet >/dev/null
for manifest in "$work"/plan3/shard-*.json; do
  run_sluice ingest "@$manifest" --schema "$schema" --progress never --quiet >/dev/null
  expect_eq "$rc" 0 "ingest @$(basename "$manifest")"
done
fingerprint "$direct" | grep -v '^files' > "$work/direct.txt"
fingerprint "$schema" | grep -v '^files' > "$work/manifests.txt"
expect_eq "$(diff "$work/direct.txt" "$work/manifests.txt" && echo same)" same "plan -> ingest @manifest vs direct ingest"

sharded="${schema}_sharded"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$sharded\" CASCADE' >/dev/null 2>&1")
for i in 0 1 2 3 4 5 6; do
  run_sluice ingest "$work/data" --shard "$i/7" --schema "$sharded" --progress never --quiet >/dev/null
done
expect_eq "$(sql "SELECT count(*), count(DISTINCT uri) FROM \"$sharded\".files")" "30|30" "--shard I/7 runs: every file once"
"$SLUICE_BIN" plan "$work/data" > "$work/summary.json"
expect_eq "$(json "$work/summary.json" 'd["files"]')" 30 "plan summary: files"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); e=json.load(open(sys.argv[2])); assert abs(d['estimated_rows'] - e['rows']) < 0.05 * e['rows'], d" \
  "$work/summary.json" "$work/data/expected.json" || fail "plan's estimated_rows is more than 5% off"
echo "ok - plan summary: estimated rows within 5%"
