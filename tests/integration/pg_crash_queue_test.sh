# kill -9 an ingest of a queue folder (--on-success move) at random moments (several seeds), re-run it: every
# file ends archived exactly once, the source folder empty, and readings, rejects and aggregates equal those of
# a clean run of the same folder.
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 10 --rows 200000
clean="${schema}_clean"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$clean\" CASCADE' >/dev/null 2>&1")
files=$(find "$work/data" -name '*.csv' | wc -l)
# One file per transaction, so a kill lands between and inside many commits and moves. --settle 0: the copies
# are fresh.
opts=(--unit-bytes 1 --settle 0 --progress never --quiet)
# Every run reads the same folder path (the rejects' fingerprint names the files), each with a fresh copy
# of the data and an archive of its own.
queue() {  # queue NAME
  rm -rf "$work/in"
  cp -r "$work/data" "$work/in"
  rm -f "$work/in/expected.json"
  mkdir -p "$work/$1/archive"
}

queue clean
started=$(date +%s.%N)
run_sluice ingest "$work/in" --schema "$clean" --on-success "move:$work/clean/archive" "${opts[@]}" >/dev/null
expect_eq "$rc" 0 "clean run"
clean_seconds=$(python3 -c "import time; print(round(time.time() - $started, 3))")
fingerprint "$clean" | grep -v '^files' > "$work/clean.txt"

for seed in 13 29 47; do
  s="${schema}_$seed"
  cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s\" CASCADE' >/dev/null 2>&1")
  sluice schema init --schema "$s" >/dev/null
  queue "q$seed"
  delay=$(python3 -c "import random; print(round(random.Random($seed).uniform(0.05, 1.0) * $clean_seconds, 3))")
  PGAPPNAME="crash_$s" "$SLUICE_BIN" ingest "$work/in" --schema "$s" --on-success "move:$work/q$seed/archive" "${opts[@]}" \
    >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  backends_gone "crash_$s"
  committed=$(sql "SELECT count(*) FROM \"$s\".files")
  run_sluice ingest "$work/in" --schema "$s" --on-success "move:$work/q$seed/archive" "${opts[@]}" >/dev/null
  expect_eq "$rc" 0 "seed $seed: re-run after kill -9 at ${delay}s ($committed files committed before it)"
  expect_eq "$(find "$work/in" -type f | wc -l)" 0 "seed $seed: the source folder is empty"
  expect_eq "$(find "$work/q$seed/archive" -type f | wc -l)" "$files" "seed $seed: every file archived once"
  expect_eq "$(sql "SELECT count(*) FROM \"$s\".files WHERE status = 'disposed'")" "$files" \
    "seed $seed: every ledger row disposed"
  fingerprint "$s" | grep -v '^files' > "$work/run_$seed.txt"
  expect_eq "$(diff "$work/clean.txt" "$work/run_$seed.txt" && echo same)" same \
    "seed $seed: readings, rejects, sensor_hourly vs the clean run"
  check_aggregates_match_readings "$s"
done
