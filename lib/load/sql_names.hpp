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
  std::string schema_raw;  ///< unquoted schema name, for catalog lookups

  /// "sluice"."readings_2026"
  [[nodiscard]] std::string partition(int year) const;
  /// "sluice"."file_hourly_2026"
  [[nodiscard]] std::string file_hourly_partition(int year) const;
  /// ts, sensor_id, ..., file_id: the COPY column list of readings.
  [[nodiscard]] std::string readings_column_list() const;
};

}  // namespace sluice
