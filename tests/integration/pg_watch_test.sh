# watch mode loads files dropped into the folder while it runs (one written slowly) exactly
# once, and SIGTERM makes it drain and exit 130.
source "$(dirname "$0")/lib.sh"
mkdir -p "$work/drop"
gen_data "$work/gen" --files 4 --rows 8000
files=($(find "$work/gen" -name '*.csv' | sort))

"$SLUICE_BIN" ingest "$work/drop" --watch --interval 1 --settle 1 --schema "$schema" --progress never \
  --summary-json "$work/s.json" > "$work/out.txt" 2> "$work/err.txt" &
pid=$!
cleanup_hooks+=("kill -9 $pid 2>/dev/null")
sleep 1
cp "${files[0]}" "$work/drop/a.csv"
cp "${files[1]}" "$work/drop/b.csv"
# A file written slowly, over ~3 s: it must not be loaded half-written.
python3 - "${files[2]}" "$work/drop/slow.csv" <<'PY'
import sys, time
data = open(sys.argv[1], "rb").read()
with open(sys.argv[2], "wb") as out:
    for i in range(0, len(data), len(data) // 6 + 1):
        out.write(data[i:i + len(data) // 6 + 1]); out.flush(); time.sleep(0.5)
PY
cp "${files[3]}" "$work/drop/d.csv"
for _ in $(seq 1 60); do
  [ "$(sql "SELECT count(*) FROM \"$schema\".files" 2>/dev/null || echo 0)" -ge 4 ] && break
  sleep 0.5
done
sleep 2  # another pass: nothing may load twice
kill -TERM "$pid"
set +e; wait "$pid"; rc=$?; set -e
expect_eq "$rc" 130 "exit code after SIGTERM"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".files WHERE status = 'loaded'")" 4 "files loaded once each"
expect_eq "$(sql "SELECT count(*) FROM \"$schema\".readings")" "$(json "$work/gen/expected.json" 'd["valid"]')" "rows of the four files"
expect_eq "$(sql "SELECT rows_loaded + rows_rejected FROM \"$schema\".files WHERE uri LIKE '%/slow.csv'")" \
  "$(( $(wc -l < "${files[2]}") - 1 ))" "the slowly written file loaded whole"
