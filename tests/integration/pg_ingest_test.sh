# a generated sensor folder loads with exactly the expected rows, rejects by reason,
# partitions and aggregates; a second identical run adds nothing and skips every file.
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 10 --rows 769752
exp="$work/data/expected.json"

run_sluice ingest "$work/data" --schema "$schema" --summary-json "$work/first.json" --progress never
expect_eq "$rc" 0 "exit code of the first run"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$exp" 'd["valid"]')" "rows in readings"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".rejects")" "$(json "$exp" 'd["rejected"]')" "rows in rejects"
expect_eq "$(sql "SELECT string_agg(reason || '=' || n, ',' ORDER BY reason) FROM (SELECT reason, count(*) n FROM \"$schema\".rejects GROUP BY 1) r")" \
  "$(json "$exp" '",".join(f"{k}={v}" for k, v in sorted(d["reasons"].items()))')" "rejects by reason"
expect_eq "$(sql "SELECT round(sum(temperature)::numeric, 2) FROM \"$schema\".readings")" \
  "$(json "$exp" 'format(d["sum_temperature"], ".2f")')" "sum of temperatures"
# The blocks layout (SLUICE_TEST_LAYOUT=blocks) keeps its readings in blocks partitioned by the block's first ts.
# Each table has one index, a BRIN over every column a lookup filters on.
table=readings brin="ts, file_id"
[ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ] && table=blocks brin='first_ts, file_id, "agg:hour", sensor_id text_bloom_ops'
expect_eq "$(sql "SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '\"$schema\".$table'::regclass")" \
  "${table}_2025,${table}_2026" "yearly partitions"
indexes() { sql "SELECT string_agg(regexp_replace(indexdef, '.* USING ', ''), '; ') FROM pg_indexes WHERE schemaname = '$schema' AND tablename = '$1'"; }
expect_eq "$(indexes "$table")" "brin ($brin)$([ "$table" = blocks ] && echo " WITH (pages_per_range='16')")" "the $table index"
[ "${SLUICE_TEST_LAYOUT:-rows}" = rows ] || expect_eq "$(indexes loose_readings)" "brin (ts, file_id)" "the loose_readings index"
expect_eq "$(sql "SELECT count(*) || ':' || sum(rows_loaded) FROM \"$schema\".files WHERE status = 'loaded'")" \
  "10:$(json "$exp" 'd["valid"]')" "ledger rows"
expect_eq "$(sql "SELECT sum(rows) FROM \"$schema\".sensor_hourly")" "$(json "$exp" 'd["valid"]')" "rows counted in sensor_hourly"
check_aggregates_match_readings
expect_eq "$(json "$work/first.json" 'd["rows"]["loaded"]')" "$(json "$exp" 'd["valid"]')" "summary rows loaded"
expect_eq "$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print(a["rejects_by_reason"] == b["reasons"])' "$work/first.json" "$exp")" \
  True "summary rejects by reason"

run_sluice ingest "$work/data" --schema "$schema" --summary-json "$work/second.json" --progress never
expect_eq "$rc" 0 "exit code of the second run"
expect_eq "$(json "$work/second.json" 'd["files"]["skipped"]')" 10 "files skipped by the second run"
expect_eq "$(json "$work/second.json" 'd["rows"]["loaded"]')" 0 "rows loaded by the second run"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$exp" 'd["valid"]')" "rows after the second run"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".runs WHERE status = 'ok' AND finished_at IS NOT NULL")" 2 "runs recorded"

# `schema init --years` makes the year partitions ahead of the loads: a load into them creates none, and every
# reading is there. A year out of range is a usage error.
pre="${schema}_years"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$pre\" CASCADE' >/dev/null 2>&1")
years=$(json "$exp" '",".join(str(y) for y in sorted(d["years"]))')
sluice schema init --schema "$pre" --years "$years" > "$work/init.txt"
grep -q "year partitions: ${years//,/, }" "$work/init.txt" || fail "init does not name the years: $(cat "$work/init.txt")"
partitions() {
  sql "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$pre'"
}
made=$(partitions)
for year in ${years//,/ }; do
  for table in file_hourly $([ "${SLUICE_TEST_LAYOUT:-rows}" = blocks ] && echo blocks loose_readings || echo readings); do
    case " $made " in *" ${table}_$year "*) ;; *) fail "init --years made no ${table}_$year: $made" ;; esac
  done
done
run_sluice ingest "$work/data" --schema "$pre" --progress never --quiet >/dev/null 2>&1
expect_eq "$rc" 0 "exit code of a load into partitions made beforehand"
expect_eq "$(partitions)" "$made" "the load made no partition"
expect_eq "$(sql "SELECT count(*) FROM \"$pre\".readings")" "$(json "$exp" 'd["valid"]')" "every reading in the partitions made beforehand"
run_sluice schema init --schema "$pre" --years 0
expect_eq "$rc" 2 "init --years 0"
