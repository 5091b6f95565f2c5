#include "load/block_schema.hpp"

#include <algorithm>
#include <cstdint>
#include <numeric>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "load/aggregate_store.hpp"
#include "load/schema.hpp"
#include "parse/block_format.hpp"

namespace sluice {
namespace {

std::string block_column_type(const Config& config, const BlockColumn& column) {
  switch (column.kind) {
    case BlockColumnKind::file_id: return "bigint NOT NULL";
    case BlockColumnKind::sensor: return "text NOT NULL";
    case BlockColumnKind::first_ts:
    case BlockColumnKind::last_ts: return "timestamptz NOT NULL";
    case BlockColumnKind::count: return "int NOT NULL";
    case BlockColumnKind::ts_seconds16:
    case BlockColumnKind::scaled_int16: return "bytea";
    case BlockColumnKind::ts_seconds:
    case BlockColumnKind::scaled_int2: return "smallint[]";
    case BlockColumnKind::ts_millis:
    case BlockColumnKind::scaled_int: return "int[]";
    case BlockColumnKind::ts_micros: return "bigint[]";
    case BlockColumnKind::divisor: return "double precision";
    case BlockColumnKind::float_array: return "double precision[]";
    case BlockColumnKind::plain_array: return sql_type(config.columns[column.column].type) + "[]";
    case BlockColumnKind::agg_hour: return "timestamptz";
    case BlockColumnKind::agg_rows:
    case BlockColumnKind::agg_count: return "bigint";
    case BlockColumnKind::agg_min:
    case BlockColumnKind::agg_max:
      return config.columns[column.column].type == ColumnType::int8 ? "bigint" : "double precision";
    case BlockColumnKind::agg_sum: return "numeric";
    case BlockColumnKind::agg_packed: return "bytea";
  }
  return "text";
}

// The subscripts 1..n of a block (alias b), as s.i. Not generate_series(1, b.n): the planner takes it for 1,000
// rows a block whatever n is, and a query's cost estimate, tens of times too high, crossed jit_above_cost: a
// 6-hour window over ~230,000 readings spent 80 of its 130 ms compiling expressions. unnest of an array it
// cannot see into is estimated at 10 elements, close to a block's tens.
constexpr char kEachReading[] = "unnest(array_fill(0, ARRAY[b.n])) WITH ORDINALITY AS s(zero, i)";

// 10^0 .. 10^most as an array of double precision, to subscript with a scale + 1 (NULL past its end).
std::string powers_of_ten_sql(int most) {
  std::string out = "1";
  for (int scale = 1; scale <= most; ++scale) out += fmt::format(",1{}", std::string(scale, '0'));
  return fmt::format("('{{{}}}'::double precision[])", out);
}

// The readings of the blocks (alias b) as readings' columns in config order, then file_id: the select list over
// `blocks b CROSS JOIN LATERAL <kEachReading>`, each value a subscript of its array.
//
// Subscripts, not `unnest(<every array>)`: a query computes only the columns it reads, where unnest in FROM
// materializes every array of the block, used or not (a full-scan aggregate of two measures over 10 M readings:
// 4.4 -> 1.7 s). PostgreSQL finds an element of an array with NULLs by walking its null bitmap, so a large block
// with a NULL near the front decodes slower than by unnest (480 readings: 1.4x); every other block, faster (2.6x).
std::string decoded_select_list(const SqlNames& names, const Config& config) {
  const std::vector<BlockColumn> columns = block_columns(config);
  const std::string powers_of_ten = powers_of_ten_sql(kMaxBlockScale);  // the divisors of the scale bytes
  std::vector<std::string> expressions(config.columns.size());
  auto element = [&](std::size_t block_index) {
    return fmt::format("b.{}[s.i::int]", names.block_columns[block_index]);
  };
  // A 16-bit code back to its value (parse/block_format.hpp); NULL for code 0 and for a NULL column. Two get_byte
  // calls and four integer operations make a full scan up to ~1.5x slower than an int2 subscript did; in exchange
  // the server receives the blocks in a third of the time.
  auto decoded16 = [&](std::size_t block_index) {
    const std::string& column = names.block_columns[block_index];
    return fmt::format("(nullif(get_byte(b.{0}, 2 * s.i::int - 2) << 8 | get_byte(b.{0}, 2 * s.i::int - 1), 0) - 32768)",
                       column);
  };
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const BlockColumn& column = columns[i];
    switch (column.kind) {
      case BlockColumnKind::sensor: expressions[config.sensor_column] = "b." + names.block_columns[i]; break;
      case BlockColumnKind::ts_seconds16:  // then ts_seconds, ts_millis, ts_micros: one of the four is set
        expressions[column.column] = fmt::format(
            "b.first_ts + coalesce({} * 1000000::bigint, {} * 1000000::bigint, {} * 1000::bigint, {}) * "
            "interval '1 microsecond'",
            decoded16(i), element(i + 1), element(i + 2), element(i + 3));
        break;
      case BlockColumnKind::scaled_int16: {  // then scaled_int2, scaled_int, divisor, float_array
        // The codes' divisor: "<c>:div" in blocks written before schema version 9, else 10 to the power of the
        // scale byte after the codes (coalesce computes it only where the column is NULL).
        const std::string& codes = names.block_columns[i];
        const std::string divisor16 = fmt::format("coalesce(b.{0}, {1}[get_byte(b.{2}, octet_length(b.{2}) - 1) + 1])",
                                                  names.block_columns[i + 3], powers_of_ten, codes);
        expressions[column.column] = fmt::format(
            "coalesce({0}::double precision / {5}, {1}::double precision / b.{3}, {2}::double precision / b.{3}, "
            "{4})",
            decoded16(i), element(i + 1), element(i + 2), names.block_columns[i + 3], element(i + 4), divisor16);
        break;
      }
      case BlockColumnKind::plain_array: expressions[column.column] = element(i); break;
      default: break;
    }
  }
  std::string out;
  for (std::size_t i = 0; i < config.columns.size(); ++i)
    out += fmt::format("{} AS {}, ", expressions[i], names.columns[i]);
  return out + "b.file_id";
}

// The big-endian unsigned integer of `bytes` bytes at `offset` of `packed`, as a bigint expression.
std::string packed_unsigned(const std::string& packed, std::size_t offset, std::size_t bytes) {
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i)
    out += fmt::format("{}get_byte({}, {})::bigint * {}", i == 0 ? "" : " + ", packed, offset + i,
                       std::uint64_t{1} << (8 * (bytes - 1 - i)));
  return out;
}

}  // namespace

// A bound: the mantissa divided by 10^scale, the one correctly rounded operation that gives back the double. An
// exponent byte of 0 (NULL) is a scale past the table's end: NULL.
std::string packed_bound_sql(const std::string& packed, std::size_t offset) {
  return fmt::format("(({}) - 2147483648)::double precision / {}[129 - get_byte({}, {})]",
                     packed_unsigned(packed, offset, 4), powers_of_ten_sql(kMaxExactScale), packed, offset + 4);
}

// A sum: the very numeric numeric_from_double makes of the float sum, its digits and scale.
std::string packed_sum_sql(const std::string& packed, std::size_t offset) {
  return fmt::format("((({}) - 4611686018427387904)::text || 'e' || (nullif(get_byte({}, {}), 0) - 128))::numeric",
                     packed_unsigned(packed, offset, 8), packed, offset + 8);
}

namespace {

// carried_hourly: the aggregates the blocks carry, as rows of file_hourly's columns (a NULL "agg:rows" is the
// block's n, a NULL count the rows, and a float measure's min, max and sum are in "agg:packed" or in their
// columns: parse/block_format.hpp); and sensor_hourly over both places a file's sensor-hour aggregate is kept.
// Filters on the sensor or hour reach both (the planner pushes them below the
// grouping into each branch of the UNION ALL): file_hourly's indexes, and the BRIN on "agg:hour".
std::string sensor_hourly_view_ddl(const SqlNames& names, const Config& config) {
  const std::vector<BlockColumn> columns = block_columns(config);
  auto named = [&](BlockColumnKind kind, std::size_t measure_column) {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i].kind == kind && (kind == BlockColumnKind::agg_rows || kind == BlockColumnKind::agg_packed ||
                                      columns[i].column == measure_column))
        return names.block_columns[i];
    return std::string();
  };
  const std::string rows = fmt::format("coalesce({}, n::bigint)", named(BlockColumnKind::agg_rows, 0));
  std::string carried = fmt::format("{} AS rows", rows), contributions = "rows";
  const std::string packed = named(BlockColumnKind::agg_packed, 0);
  std::size_t packed_at = 0;  // the offset of the next float measure's bytes in "agg:packed"
  for (std::size_t i = 0; i < names.measures.size(); ++i) {
    const auto& m = names.measures[i];
    const std::size_t column = config.measure_columns[i];
    std::string min = named(BlockColumnKind::agg_min, column), max = named(BlockColumnKind::agg_max, column),
                sum = named(BlockColumnKind::agg_sum, column);
    if (!m.integer) {
      min = fmt::format("coalesce({}, {})", min, packed_bound_sql(packed, packed_at));
      max = fmt::format("coalesce({}, {})", max, packed_bound_sql(packed, packed_at + 5));
      sum = fmt::format("coalesce({}, {})", sum, packed_sum_sql(packed, packed_at + 10));
      packed_at += kPackedMeasureBytes;
    }
    carried +=
        fmt::format(", coalesce({}, {}) AS {}, {} AS {}, {} AS {}, {} AS {}", named(BlockColumnKind::agg_count, column),
                    rows, m.count, min, m.min, max, m.max, sum, m.sum);
    contributions += fmt::format(", {}, {}, {}, {}", m.count, m.min, m.max, m.sum);
  }
  return fmt::format(
      "CREATE OR REPLACE VIEW {carried_hourly} AS SELECT file_id, {sensor}, \"agg:hour\" AS hour, {carried}\n"
      "  FROM {blocks} WHERE \"agg:hour\" IS NOT NULL;\n"
      "COMMENT ON VIEW {carried_hourly} IS 'the sensor-hour aggregates blocks carry, as rows of file_hourly';\n"
      "CREATE OR REPLACE VIEW {hourly} AS SELECT {sensor}, hour, {totals}\n"
      "  FROM (SELECT {sensor}, hour, {contributions} FROM {fh}\n"
      "    UNION ALL SELECT {sensor}, hour, {contributions} FROM {carried_hourly}) c\n"
      "  GROUP BY {sensor}, hour;\n",
      fmt::arg("hourly", names.sensor_hourly), fmt::arg("sensor", names.sensor),
      fmt::arg("totals", hourly_totals(names)), fmt::arg("contributions", contributions),
      fmt::arg("fh", names.file_hourly), fmt::arg("carried", carried), fmt::arg("carried_hourly", names.carried_hourly),
      fmt::arg("blocks", names.blocks));
}

}  // namespace

std::string blocks_view_ddl(const SqlNames& names, const Config& config) {
  const std::string select = decoded_select_list(names, config);
  const std::string columns = names.readings_column_list();
  // A flag beside the decoded columns in readings_between, named unlike any configured column.
  std::string inside = "sluice_block_inside";
  while (std::find(names.columns.begin(), names.columns.end(), "\"" + inside + "\"") != names.columns.end())
    inside += "_";
  // The view cannot show the planner a block's bounds through the decoded ts, so a ts range over it reads
  // every block; readings_between filters on the bounds first, and decodes a reading's ts only in a block that
  // straddles from or to ($1, $2, $3: a column may be named like a parameter, and in SQL functions a column
  // name wins).
  return fmt::format(
      "CREATE OR REPLACE VIEW {readings} AS\n"
      "  SELECT {select} FROM {blocks} b CROSS JOIN LATERAL {each}\n"
      "  UNION ALL SELECT {columns} FROM {loose};\n"
      "COMMENT ON VIEW {readings} IS 'readings stored as blocks (one file''s readings of one sensor-hour, column by "
      "column) and loose readings; filter by time with readings_between(from, to, sensors) for block pruning';\n"
      "CREATE OR REPLACE FUNCTION {between}(t_from timestamptz, t_to timestamptz, sensors text[] DEFAULT NULL)\n"
      "RETURNS SETOF {readings} LANGUAGE sql STABLE PARALLEL SAFE AS $sluice$\n"
      "  SELECT {columns} FROM (SELECT {select}, b.first_ts >= $1 AND b.last_ts < $2 AS {inside}\n"
      "    FROM {blocks} b CROSS JOIN LATERAL {each}\n"
      "    WHERE b.first_ts < $2 AND b.first_ts > $1 - interval '1 hour' AND b.last_ts >= $1\n"
      "      AND ($3 IS NULL OR b.{sensor} = ANY ($3))) r\n"
      "  WHERE r.{inside} OR (r.{ts} >= $1 AND r.{ts} < $2)\n"
      "  UNION ALL SELECT {columns} FROM {loose}\n"
      "  WHERE {ts} >= $1 AND {ts} < $2 AND ($3 IS NULL OR {sensor} = ANY ($3))\n"
      "$sluice$;\n"
      "COMMENT ON FUNCTION {between}(timestamptz, timestamptz, text[]) IS 'the readings with from <= ts < to (of "
      "the given sensors, or all), reading only the blocks whose bounds overlap';\n"
      "{hourly}",
      fmt::arg("readings", names.readings), fmt::arg("select", select), fmt::arg("blocks", names.blocks),
      fmt::arg("columns", columns),
      fmt::arg("loose", names.loose_readings), fmt::arg("between", names.readings_between),
      fmt::arg("sensor", names.sensor), fmt::arg("ts", names.ts), fmt::arg("inside", inside),
      fmt::arg("each", kEachReading), fmt::arg("hourly", sensor_hourly_view_ddl(names, config)));
}

namespace {

// `ALTER COLUMN <c> SET STATISTICS 0, ...` of every array column. ANALYZE's statistics of an array (its most
// common elements) serve no query of encoded offsets and scaled values, and computing them was most of what
// autovacuum's ANALYZE of a blocks partition cost (1.85 -> 0.7 s per ANALYZE of 10 M readings). A partition
// does not inherit the setting, so each gets it when made.
// The carried aggregates' counts, bounds and sums likewise: no plan depends on their distributions (their hour
// keeps its statistics, for the plans of a sensor_hourly filtered by time).
std::string array_statistics_off(const SqlNames& names) {
  std::string out;
  for (const auto* columns : {&names.block_array_columns, &names.block_aggregate_columns})
    for (const std::string& column : *columns)
      out += fmt::format("{}ALTER COLUMN {} SET STATISTICS 0", out.empty() ? "" : ", ", column);
  return out;
}

// One BRIN index per table, over every column a lookup filters on: a row inserted costs one index entry, where an
// index per column cost one each (PostgreSQL 15 reads a BRIN's metapage and revmap for every row it inserts; three
// indexes took ~23% of a backend's CPU in a COPY of the 11-day shape's blocks, one takes ~10%). A BRIN answers a
// filter on any of its columns, reading the summaries of them all.
// - blocks: first_ts (readings_between's bounds), file_id (a replaced or expired file's blocks), the hour of the
//   aggregate a block carries and its sensor as a bloom filter. sensor_hourly filtered by time reads the block
//   ranges of that time ("agg:hour" is NULL on every other block, which a BRIN summarizes at no cost), and filtered
//   by sensor skips the ranges whose bloom filter lacks it, i.e. the blocks of files without that sensor; so does
//   readings_between given sensors. On the 11-day shape (10 M readings, ~19 per sensor-hour) one sensor's day of
//   sensor_hourly takes ~15 ms and its whole history ~30 (~200 and ~250 with the hour alone); a partial btree on
//   the sensor answers in 1-3 ms but cost the load 28% more server CPU (README.md says how to add it).
// - loose_readings: ts and file_id.
// A BRIN stores nothing per row (a range's summary is built when the range is summarized). Replaces the indexes of
// schema version 10 and before.
std::string blocks_index_ddl(const SqlNames& names) {
  return fmt::format(
      "CREATE INDEX IF NOT EXISTS blocks_brin ON {blocks} USING brin (first_ts, file_id, \"agg:hour\", {sensor} "
      "text_bloom_ops) WITH (pages_per_range = 16);\n"
      "DROP INDEX IF EXISTS {schema}.blocks_first_ts_brin, {schema}.blocks_file_id_brin, {schema}.blocks_agg_brin;\n"
      "CREATE INDEX IF NOT EXISTS loose_readings_brin ON {loose} USING brin ({ts}, file_id);\n"
      "DROP INDEX IF EXISTS {schema}.loose_readings_ts_brin, {schema}.loose_readings_file_id_brin;\n",
      fmt::arg("blocks", names.blocks), fmt::arg("sensor", names.sensor), fmt::arg("schema", names.schema),
      fmt::arg("loose", names.loose_readings), fmt::arg("ts", names.ts));
}

}  // namespace

std::string blocks_ddl(const SqlNames& names, const Config& config) {
  const std::vector<BlockColumn> columns = block_columns(config);
  // The columns stored in alignment order, 8-byte values first, then n, then the variable-length ones (whose
  // short headers need no alignment): in COPY order, each 8-byte value after a text or bytea was padded to its
  // boundary, ~40 bytes of a block of ~19 readings. COPY names its columns, so the order it sends is unchanged.
  auto stored_rank = [](BlockColumnKind kind) {
    switch (kind) {
      case BlockColumnKind::file_id:
      case BlockColumnKind::first_ts:
      case BlockColumnKind::last_ts:
      case BlockColumnKind::divisor:
      case BlockColumnKind::agg_hour:
      case BlockColumnKind::agg_rows:
      case BlockColumnKind::agg_count:
      case BlockColumnKind::agg_min:
      case BlockColumnKind::agg_max: return 0;
      case BlockColumnKind::count: return 1;
      default: return 2;
    }
  };
  std::vector<std::size_t> stored(columns.size());
  std::iota(stored.begin(), stored.end(), std::size_t{0});
  std::stable_sort(stored.begin(), stored.end(), [&](std::size_t a, std::size_t b) {
    return stored_rank(columns[a].kind) < stored_rank(columns[b].kind);
  });
  std::string block_table, storage;
  for (std::size_t i : stored)
    block_table += fmt::format("{}  {} {}", block_table.empty() ? "" : ",\n", names.block_columns[i],
                               block_column_type(config, columns[i]));
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (holds_array(columns[i].kind) || columns[i].kind == BlockColumnKind::agg_packed)
      storage += fmt::format("{}ALTER COLUMN {} SET STORAGE main", storage.empty() ? "" : ", ", names.block_columns[i]);
  // Arrays and packed aggregates are kept inline and uncompressed (storage main, toast_tuple_target on each
  // partition): LZ compression finds nothing in encoded sensor values, and out-of-line TOAST costs a chunk tuple
  // and an index entry per ~2 kB.
  // Only a BRIN index: blocks are appended in time order within a file, and a btree over (sensor, first_ts)
  // cost ~15% of the server's CPU and 2.8 bytes per reading on the wide 10 M-reading shape, for a query (one
  // sensor over a day) that the time BRIN and the sensor filter answer ~5x faster than the rows layout does.
  // README.md says how to add it back.
  return fmt::format(
      "CREATE TABLE {blocks} (\n{table}\n) PARTITION BY RANGE (first_ts);\n"
      "ALTER TABLE {blocks} {storage}, {statistics};\n"
      "CREATE TABLE {loose} (\n{loose_columns}  file_id bigint NOT NULL\n) PARTITION BY RANGE ({ts});\n"
      "{indexes}"
      "{views}"
      "CREATE TABLE {settings} (key text PRIMARY KEY, value text NOT NULL);\n"
      "INSERT INTO {settings} VALUES ('layout', 'blocks');\n",
      fmt::arg("blocks", names.blocks), fmt::arg("table", block_table), fmt::arg("storage", storage),
      fmt::arg("statistics", array_statistics_off(names)), fmt::arg("loose", names.loose_readings),
      fmt::arg("loose_columns", readings_column_ddl(names, config)), fmt::arg("ts", names.ts),
      fmt::arg("views", blocks_view_ddl(names, config)), fmt::arg("settings", names.settings),
      fmt::arg("indexes", blocks_index_ddl(names)));
}

std::string blocks_upgrade_ddl(const SqlNames& names, const Config& config) {
  const std::vector<BlockColumn> columns = block_columns(config);
  std::string added;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const BlockColumnKind kind = columns[i].kind;
    if (kind == BlockColumnKind::ts_seconds16 || kind == BlockColumnKind::ts_seconds ||
        kind == BlockColumnKind::scaled_int16 || kind == BlockColumnKind::scaled_int2)
      added += fmt::format("{0}ADD COLUMN IF NOT EXISTS {1} {2}, ALTER COLUMN {1} SET STORAGE main",
                           added.empty() ? "" : ", ", names.block_columns[i], block_column_type(config, columns[i]));
    if (kind >= BlockColumnKind::agg_hour)
      added += fmt::format("{0}ADD COLUMN IF NOT EXISTS {1} {2}", added.empty() ? "" : ", ", names.block_columns[i],
                           block_column_type(config, columns[i]));
    if (kind == BlockColumnKind::agg_packed)
      added += fmt::format(", ALTER COLUMN {} SET STORAGE main", names.block_columns[i]);
  }
  // On the partitioned table, ALTER COLUMN SET STORAGE / SET STATISTICS reach every existing partition too.
  return fmt::format("ALTER TABLE {} {};\nALTER TABLE {} {};\n{}{}", names.blocks, added, names.blocks,
                     array_statistics_off(names), blocks_index_ddl(names), blocks_view_ddl(names, config));
}

std::string blocks_partition_ddl(const SqlNames& names, int year) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {0} PARTITION OF {1} FOR VALUES FROM ('{4:04}-01-01 00:00:00+00') TO "
      "('{5:04}-01-01 00:00:00+00') WITH (toast_tuple_target = 8160);\n"
      "ALTER TABLE {0} {6};\n"
      "CREATE TABLE IF NOT EXISTS {2} PARTITION OF {3} FOR VALUES FROM ('{4:04}-01-01 00:00:00+00') TO "
      "('{5:04}-01-01 00:00:00+00');\n",
      names.blocks_partition(year), names.blocks, names.loose_partition(year), names.loose_readings, year, year + 1,
      array_statistics_off(names));
}

StorageLayout stored_layout(pqxx::work& txn, const SqlNames& names) {
  if (!txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", names.settings)[0].as<bool>()) return StorageLayout::rows;
  const pqxx::result row = txn.exec(fmt::format("SELECT value FROM {} WHERE key = 'layout'", names.settings));
  return !row.empty() && row[0][0].as<std::string>() == "blocks" ? StorageLayout::blocks : StorageLayout::rows;
}

}  // namespace sluice
