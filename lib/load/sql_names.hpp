#pragma once
// Every identifier sluice puts into SQL, quoted once with libpq's escaping (PQescapeIdentifier).
#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "config/config.hpp"

namespace sluice {

struct SqlNames {
  SqlNames(pqxx::connection& connection, const Config& config);

  std::string schema;    ///< "sluice"
  std::string readings;  ///< "sluice"."readings"
  std::string rejects, files, sensor_hourly, runs, file_id_seq, schema_version;
  std::string file_hourly;           ///< each file's sensor-hour aggregates; sensor_hourly is a view over it
  std::vector<std::string> columns;  ///< quoted configured column names, config order
  std::string ts, sensor;            ///< quoted timestamp and sensor column names
  /// Per measure (config.measure_columns order): quoted <m>_count, <m>_min, <m>_max, <m>_sum.
  struct Measure {
    std::string value, count, min, max, sum;
    bool integer = false;  ///< an `int` column: min and max are bigint, the sum exact
  };
  std::vector<Measure> measures;
  std::string schema_raw;                      ///< unquoted schema name, for catalog lookups
  StorageLayout layout = StorageLayout::rows;  ///< the config's
  /// Blocks layout: the blocks table, the table of readings too few for a block, the settings table (which
  /// records the layout), the fast-path function, and the blocks table's quoted columns in COPY order.
  std::string blocks, loose_readings, settings, readings_between;
  std::string carried_hourly;  ///< the view of the sensor-hour aggregates the blocks carry, as file_hourly rows
  std::vector<std::string> block_columns;
  std::vector<std::string> block_array_columns;  ///< those of block_columns that hold one value per reading
  std::vector<std::string> block_aggregate_columns;  ///< "agg:rows" and the measures' counts, bounds and sums
  std::vector<std::string> block_copy_columns;       ///< those of block_columns the block builder's COPY sends

  /// "sluice"."readings_2026"
  [[nodiscard]] std::string partition(int year) const;
  /// "sluice"."file_hourly_2026"
  [[nodiscard]] std::string file_hourly_partition(int year) const;
  /// "sluice"."blocks_2026", "sluice"."loose_readings_2026"
  [[nodiscard]] std::string blocks_partition(int year) const;
  [[nodiscard]] std::string loose_partition(int year) const;
  /// ts, sensor_id, ..., file_id: the COPY column list of readings (and of loose_readings).
  [[nodiscard]] std::string readings_column_list() const;
  /// The COPY column list of blocks.
  [[nodiscard]] std::string blocks_column_list() const;
  /// The binary COPY of readings' columns into `table` (readings, one of its partitions, or loose_readings).
  [[nodiscard]] std::string readings_copy_sql(const std::string& table) const;
  /// The binary COPY into blocks.
  [[nodiscard]] std::string blocks_copy_sql() const;
};

}  // namespace sluice
