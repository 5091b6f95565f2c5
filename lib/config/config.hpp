#pragma once
// The load configuration: which columns a file has, their types and rules, and what gets aggregated.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class ColumnType { timestamp, text, float8, int8 };
enum class TimestampFormat { iso8601, epoch_seconds, epoch_millis };

std::string_view to_string(ColumnType type);

/// One configured column, matched by header name; stored in `readings` under the same name.
struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::text;
  bool required = false;
  std::optional<double> min;  ///< inclusive; numeric columns only
  std::optional<double> max;  ///< inclusive; numeric columns only
  TimestampFormat timestamp_format = TimestampFormat::iso8601;
};

/// How a file is split into fields.
struct Dialect {
  char delimiter = ',';
  char quote = '"';
};

struct Config {
  std::string schema = "sluice";
  Dialect dialect;
  std::vector<ColumnSpec> columns;
  std::size_t timestamp_column = 0;         ///< index into columns; the partition key
  std::size_t sensor_column = 1;            ///< index into columns; the aggregate key
  std::vector<std::size_t> measure_columns; ///< indexes of numeric columns aggregated per sensor-hour

  /// Index of the column named `name`, if configured.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const;
};

/// The sensor format of DESIGN.md: ts,sensor_id,temperature,humidity,pressure,battery.
Config default_config();

/// Parses a JSON config; throws UsageError naming the JSON path and what was expected.
Config parse_config(std::string_view json, std::string_view origin);

/// Reads and parses a JSON config file.
Config load_config(const std::string& path);

}  // namespace sluice
