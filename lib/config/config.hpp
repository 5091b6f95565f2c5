#pragma once
// The load configuration: which columns a file has, their types and rules, and what gets aggregated.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "value/zone.hpp"

namespace sluice {

enum class ColumnType { timestamp, text, float8, int8, boolean };
/// iso8601, epoch seconds/milliseconds (integer or fractional), or a strftime-like pattern.
enum class TimestampFormat { iso8601, epoch_seconds, epoch_millis, pattern };
/// How readings are stored: one tuple per reading, or blocks of one file's readings of one sensor-hour,
/// column by column (README.md, "Storage layouts").
enum class StorageLayout { rows, blocks };

std::string_view to_string(ColumnType type);
std::string_view to_string(StorageLayout layout);

/// One configured column, matched by header name; stored in `readings` under the same name.
struct ColumnSpec {
  std::string name;
  ColumnType type = ColumnType::text;
  bool required = false;
  std::optional<double> min;  ///< inclusive; numeric columns only
  std::optional<double> max;  ///< inclusive; numeric columns only
  TimestampFormat timestamp_format = TimestampFormat::iso8601;
  std::string timestamp_pattern;             ///< for TimestampFormat::pattern: %Y %m %d %H %M %S %f %z %%
  std::optional<int> zone_offset_seconds;    ///< applied to timestamps that carry no zone ("zone": "+01:00")
  std::optional<LocalZone> iana_zone;        ///< instead an IANA zone ("zone": "Europe/Berlin", "ambiguous": ...)
  std::vector<std::string> nulls;            ///< values meaning NULL besides the empty one ("-200", "NA")
  std::optional<std::string> default_value;  ///< the value when the file has no such column
  std::string date_column, time_column;      ///< a timestamp assembled from a date and a time column
  /// The header may lack the column: then it is NULL in every row. Otherwise a header without the
  /// column (and no default) fails the file, so a misspelled header name never loads silent NULLs.
  bool optional_in_header = false;

  [[nodiscard]] bool assembled() const { return !date_column.empty(); }
  /// The zone a timestamp without an offset is read in: iana_zone, else the fixed zone_offset_seconds; none
  /// when neither is configured.
  [[nodiscard]] std::optional<LocalZone> local_zone() const {
    if (iana_zone) return iana_zone;
    if (zone_offset_seconds) return LocalZone::fixed(*zone_offset_seconds);
    return std::nullopt;
  }
};

/// How a file is split into fields.
struct Dialect {
  Dialect() = default;
  Dialect(char delimiter_char, char quote_char) : delimiter(delimiter_char), quote(quote_char) {}

  char delimiter = ',';
  char quote = '"';
  bool decimal_comma = false;            ///< "1,5" is one and a half (the delimiter must not be ',')
  bool header = true;                    ///< the first line names the columns
  std::vector<std::string> field_names;  ///< without a header: the fields' names in file order
};

struct Config {
  std::string schema = "sluice";
  Dialect dialect;
  std::vector<ColumnSpec> columns;
  std::size_t timestamp_column = 0;            ///< index into columns; the partition key
  std::size_t sensor_column = 1;               ///< index into columns; the aggregate key
  std::vector<std::size_t> measure_columns;    ///< indexes of numeric columns aggregated per sensor-hour
  bool header_case_insensitive = false;        ///< header names match columns ignoring ASCII case
  StorageLayout layout = StorageLayout::rows;  ///< recorded in the schema; a mismatch is a usage error

  /// Index of the column named `name`, if configured.
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const;
};

/// True when a header (or $.dialect.columns) name `field` names the configured name `name`: byte equality,
/// or equality ignoring ASCII case when `case_insensitive` (the config's header_case_insensitive).
bool same_header_name(std::string_view field, std::string_view name, bool case_insensitive);

/// The default sensor format: ts,sensor_id,temperature,humidity,pressure,battery.
Config default_config();

/// Parses a JSON config; throws UsageError naming the JSON path and what was expected.
/// The format is documented in README.md (Configuration).
Config parse_config(std::string_view json, std::string_view origin);

/// Reads and parses a JSON config file.
Config load_config(const std::string& path);

/// The config as JSON, in the form parse_config reads (used by `sluice infer`).
std::string config_json(const Config& config);

}  // namespace sluice
