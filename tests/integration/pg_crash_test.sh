# kill -9 an ingest at random moments (several seeds), re-run it, and the database must be
# identical to a clean single run: same readings, rejects and sensor_hourly, nothing twice, nothing lost.
source "$(dirname "$0")/lib.sh"
gen_data "$work/data" --files 12 --rows 360000
clean="${schema}_clean"
cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$clean\" CASCADE' >/dev/null 2>&1")
# One file per transaction, so a kill lands between and inside many commits.
opts=(--unit-bytes 1 --progress never --quiet)

started=$(date +%s.%N)
run_sluice ingest "$work/data" --schema "$clean" "${opts[@]}" >/dev/null
expect_eq "$rc" 0 "clean run"
clean_seconds=$(python3 -c "import time; print(round(time.time() - $started, 3))")
echo "clean run took ${clean_seconds}s"
fingerprint "$clean" > "$work/clean.txt"

for seed in 11 23 37 41 59; do
  s="${schema}_$seed"
  cleanup_hooks+=("psql -qAtc 'DROP SCHEMA IF EXISTS \"$s\" CASCADE' >/dev/null 2>&1")
  sluice schema init --schema "$s" >/dev/null
  # A random moment within the length of a clean run (from the process start: schema, listing, commits).
  delay=$(python3 -c "import random; print(round(random.Random($seed).uniform(0.05, 1.0) * $clean_seconds, 3))")
  PGAPPNAME="crash_$s" "$SLUICE_BIN" ingest "$work/data" --schema "$s" "${opts[@]}" >/dev/null 2>&1 &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  backends_gone "crash_$s"
  loaded_before=$(sql "SELECT count(*) FROM \"$s\".files")
  run_sluice ingest "$work/data" --schema "$s" "${opts[@]}" --summary-json "$work/rerun_$seed.json" >/dev/null
  expect_eq "$rc" 0 "seed $seed: re-run after kill -9 at ${delay}s (files committed before the kill: $loaded_before)"
  expect_eq "$(json "$work/rerun_$seed.json" 'd["files"]["skipped"]')" "$loaded_before" "seed $seed: files the re-run skipped"
  fingerprint "$s" > "$work/run_$seed.txt"
  expect_eq "$(diff "$work/clean.txt" "$work/run_$seed.txt" && echo same)" same "seed $seed: readings, rejects, sensor_hourly vs the clean run"
  check_aggregates_match_readings "$s"
done
