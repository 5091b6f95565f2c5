# A corrupt file (binary garbage, a truncated gzip, a truncated zstd, a wrong header, an empty file)
# is reported as failed and the rest of the folder still loads.
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 3 --rows 3000
head -c 20000 /dev/urandom > "$work/data/garbage.csv"
printf 'time,device,value\n1,2,3\n' > "$work/data/wrong_header.csv"
: > "$work/data/empty.csv"
gen_data "$work/gz" --files 1 --rows 2000 --compress gz
gen_data "$work/zst" --files 1 --rows 2000 --compress zst
gz=$(find "$work/gz" -name '*.gz'); zst=$(find "$work/zst" -name '*.zst')
head -c $(( $(stat -c %s "$gz") / 2 )) "$gz" > "$work/data/truncated.csv.gz"
head -c $(( $(stat -c %s "$zst") / 2 )) "$zst" > "$work/data/truncated.csv.zst"

run_sluice ingest "$work/data" --schema "$schema" --summary-json "$work/summary.json" --progress never --quiet
expect_eq "$rc" 1 "exit code when some files fail"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$work/data/expected.json" 'd["valid"]')" "rows of the good files"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'failed'")" 5 "failed files in the ledger"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'failed' AND error LIKE 'gzip: truncated%'")" 1 "truncated gzip reason"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'failed' AND error LIKE 'zstd: truncated%'")" 1 "truncated zstd reason"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'failed' AND error LIKE 'empty file%'")" 1 "empty file reason"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'failed' AND error LIKE 'bad header%got time,device,value'")" 1 "wrong header reason"
expect_eq "$(json "$work/summary.json" 'len(d["failed_files"])')" 5 "failed files in the summary"
