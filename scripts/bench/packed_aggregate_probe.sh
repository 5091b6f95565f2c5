#!/usr/bin/env bash
# What the carried aggregates cost the server: the blocks of a loaded schema COPYed (server side, from a file) into
# a copy of the blocks table as they are, and into one whose ~18 aggregate columns are replaced by a single 33-byte
# bytea (the size a packed encoding would take: per measure a 16-bit min and max code and a 32-bit sum, plus a flag
# byte; the payload here is filler, only its size counts). Prints the time of each COPY (a server-side COPY is the
# backend's own work: its time is its CPU) and the tables' sizes. Not part of `make test`.
#
# usage: scripts/bench/packed_aggregate_probe.sh SCHEMA [ROUNDS]
#   SCHEMA: a blocks-layout schema already loaded (e.g. the 11-day bench shape with the four-measure sensor format)
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
eval "$("$top/scripts/pg-local" env)"
schema="$1"
rounds="${2:-3}"
dir=/var/tmp
full="$dir/sluice_probe_full.bin"
packed="$dir/sluice_probe_packed.bin"
psql_q() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$@"; }
trap 'rm -f "$full" "$packed"; psql_q -c "DROP TABLE IF EXISTS public.sluice_probe_full, public.sluice_probe_packed" >/dev/null 2>&1 || true' EXIT

# The aggregate columns: agg:rows and every <measure>:count/min/max/sum (agg:hour stays: the BRIN uses it).
aggregates=$(psql -X -At -v ON_ERROR_STOP=1 -c "
  SELECT string_agg(quote_ident(attname), ',' ORDER BY attnum) FROM pg_attribute
  WHERE attrelid = '$schema.blocks'::regclass AND attnum > 0 AND NOT attisdropped
    AND (attname = 'agg:rows' OR attname ~ ':(count|min|max|sum)\$')")
kept=$(psql -X -At -v ON_ERROR_STOP=1 -c "
  SELECT string_agg(quote_ident(attname), ',' ORDER BY attnum) FROM pg_attribute
  WHERE attrelid = '$schema.blocks'::regclass AND attnum > 0 AND NOT attisdropped
    AND NOT (attname = 'agg:rows' OR attname ~ ':(count|min|max|sum)\$')")
drops=$(echo "$aggregates" | tr ',' '\n' | sed 's/^/DROP COLUMN /' | paste -sd, -)

psql_q <<SQL
DROP TABLE IF EXISTS public.sluice_probe_full, public.sluice_probe_packed;
CREATE TABLE public.sluice_probe_full (LIKE $schema.blocks INCLUDING STORAGE) WITH (toast_tuple_target = 8160);
CREATE TABLE public.sluice_probe_packed (LIKE $schema.blocks INCLUDING STORAGE) WITH (toast_tuple_target = 8160);
ALTER TABLE public.sluice_probe_packed $drops, ADD COLUMN agg bytea;
CREATE INDEX ON public.sluice_probe_full USING brin (first_ts) WITH (pages_per_range = 16);
CREATE INDEX ON public.sluice_probe_full USING brin (file_id) WITH (pages_per_range = 16);
CREATE INDEX ON public.sluice_probe_full USING brin ("agg:hour", sensor_id text_bloom_ops) WITH (pages_per_range = 16);
CREATE INDEX ON public.sluice_probe_packed USING brin (first_ts) WITH (pages_per_range = 16);
CREATE INDEX ON public.sluice_probe_packed USING brin (file_id) WITH (pages_per_range = 16);
CREATE INDEX ON public.sluice_probe_packed USING brin ("agg:hour", sensor_id text_bloom_ops) WITH (pages_per_range = 16);
COPY (SELECT * FROM $schema.blocks ORDER BY file_id, first_ts) TO '$full' (FORMAT binary);
COPY (SELECT $kept, CASE WHEN "agg:hour" IS NOT NULL THEN substr(sha256(file_id::text::bytea), 1, 32) || '\x01'::bytea END
      FROM $schema.blocks ORDER BY file_id, first_ts) TO '$packed' (FORMAT binary);
SQL

for round in $(seq "$rounds"); do
  for table in full packed; do
    psql_q -c "TRUNCATE public.sluice_probe_$table" -c CHECKPOINT
    file="$dir/sluice_probe_$table.bin"
    start=$(date +%s.%N)
    psql_q -c "COPY public.sluice_probe_$table FROM '$file' (FORMAT binary)"
    end=$(date +%s.%N)
    size=$(psql -X -At -c "SELECT pg_total_relation_size('public.sluice_probe_$table')")
    printf 'round %s %-6s COPY %.3f s, %s bytes\n' "$round" "$table" "$(awk "BEGIN { print $end - $start }")" "$size"
  done
done
