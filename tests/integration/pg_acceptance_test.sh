# The shared acceptance sample (column orders, CRLF, BOM, quotes, offsets, every reject code, blank
# lines, two broken files): exactly the outcome its expected.json states, plain and gzip-compressed.
source "$(dirname "$0")/lib.sh"
sample="$SLUICE_TOP/../shared/acceptance/sensor_sample.py"
[ -f "$sample" ] || sample="$SLUICE_TOP/tests/acceptance/sensor_sample.py"  # the copy kept in the repo

for variant in plain gz; do
  dir="$work/$variant"
  python3 "$sample" "$dir" $([ "$variant" = gz ] && echo --gz) >/dev/null
  exp="$dir/expected.json"
  s="${schema}_$variant"
  cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s\" CASCADE' >/dev/null 2>&1")
  run_sluice ingest "$dir" --schema "$s" --summary-json "$work/$variant.json" --progress never --quiet
  expect_eq "$rc" 1 "$variant: exit code with two broken files"
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".readings")" "$(json "$exp" 'd["valid"]')" "$variant: valid rows"
  expect_eq "$(sql "SELECT string_agg(reason || '=' || n, ',' ORDER BY reason) FROM (SELECT reason, count(*) n FROM \"$s\".rejects GROUP BY 1) r")" \
    "$(json "$exp" '",".join(f"{k}={v}" for k, v in sorted(d["reasons"].items()))')" "$variant: rejects by reason"
  expect_eq "$(sql "SELECT round(sum(temperature)::numeric, 2) FROM \"$s\".readings")" \
    "$(json "$exp" 'format(d["sum_temperature"], ".2f")')" "$variant: sum of valid temperatures"
  expect_eq "$(sql "SELECT string_agg(regexp_replace(uri, '.*/(broken/)', '\1'), ',' ORDER BY uri) FROM \"$s\".files WHERE status = 'failed'")" \
    "$(json "$exp" '",".join(sorted(d["failed_files"]))')" "$variant: failed files in the ledger"
  expect_eq "$(json "$work/$variant.json" 'd["files"]["failed"]')" 2 "$variant: failed files in the summary"
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".files WHERE status = 'failed' AND error LIKE '%expected a header with ts,sensor_id%'")" 2 \
    "$variant: failed files carry the header reason"
  check_aggregates_match_readings "$s"
done
