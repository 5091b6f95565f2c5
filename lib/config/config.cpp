#include "config/config.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>

#include "core/errors.hpp"
#include "value/timestamp.hpp"
#include "value/zone.hpp"

namespace sluice {
namespace {

using simdjson::ondemand::object;
using simdjson::ondemand::value;

[[noreturn]] void config_error(std::string_view origin, std::string_view path, std::string_view what) {
  throw UsageError(fmt::format("config {}: at {}: {}", origin, path, what));
}

ColumnType parse_type(std::string_view text, std::string_view origin, const std::string& path) {
  if (text == "timestamp") return ColumnType::timestamp;
  if (text == "text") return ColumnType::text;
  if (text == "float") return ColumnType::float8;
  if (text == "int") return ColumnType::int8;
  if (text == "bool") return ColumnType::boolean;
  config_error(origin, path, fmt::format("expected one of timestamp, text, float, int, bool; got \"{}\"", text));
}

void parse_timestamp_format(std::string_view text, ColumnSpec& column, std::string_view origin,
                            const std::string& path) {
  if (text == "iso8601") {
    column.timestamp_format = TimestampFormat::iso8601;
  } else if (text == "epoch_s") {
    column.timestamp_format = TimestampFormat::epoch_seconds;
  } else if (text == "epoch_ms") {
    column.timestamp_format = TimestampFormat::epoch_millis;
  } else if (text.find('%') != std::string_view::npos) {
    column.timestamp_format = TimestampFormat::pattern;
    column.timestamp_pattern = std::string(text);
  } else {
    config_error(
        origin, path,
        fmt::format("expected one of iso8601, epoch_s, epoch_ms or a pattern like \"%d/%m/%Y %H:%M:%S\"; got \"{}\"",
                    text));
  }
}

// "zone": a fixed offset ("+02:00", "UTC") or an IANA name, loaded here once for the whole run; "ambiguous"
// (read in any key order) is the rule for the hour the clocks go back, so it needs an IANA zone.
void resolve_zone(ColumnSpec& column, const std::optional<std::string>& zone,
                  const std::optional<AmbiguousTime>& ambiguous, std::string_view origin, const std::string& path) {
  if (zone) {
    int offset = 0;
    if (parse_zone_offset(*zone, offset)) {
      column.zone_offset_seconds = offset;
    } else if (auto loaded = LocalZone::iana(*zone, ambiguous.value_or(AmbiguousTime::earliest))) {
      column.iana_zone = std::move(loaded);
    } else {
      config_error(
          origin, path + ".zone",
          fmt::format("unknown time zone \"{}\": expected UTC, a fixed offset like +01:00, or an IANA zone "
                      "name like Europe/Berlin from the system tz database (Debian package tzdata){}",
                      *zone,
                      tz_database_available()
                          ? ""
                          : "; the tz database cannot be read ($TZDIR or /usr/share/zoneinfo): install tzdata"));
    }
  }
  if (ambiguous && !column.iana_zone)
    config_error(origin, path + ".ambiguous",
                 "applies to a column with an IANA \"zone\" like \"Europe/Berlin\" (a fixed offset repeats no time)");
}

char single_char(std::string_view text, std::string_view origin, const std::string& path) {
  if (text == "\\t") return '\t';
  if (text.size() != 1 || text[0] == '\n' || text[0] == '\r')
    config_error(origin, path, fmt::format("expected one character; got \"{}\"", text));
  return text[0];
}

// simdjson reports type mismatches as error codes; this turns them into messages with a path.
template <typename T>
T get_or_fail(simdjson::simdjson_result<T>&& result, std::string_view origin, const std::string& path,
              std::string_view expected) {
  T out;
  if (auto error = std::move(result).get(out))
    config_error(origin, path, fmt::format("expected {} ({})", expected, simdjson::error_message(error)));
  return out;
}

std::vector<std::string> string_or_strings(value v, std::string_view origin, const std::string& path) {
  std::vector<std::string> out;
  std::string_view single;
  if (!v.get_string().get(single)) {
    out.emplace_back(single);
    return out;
  }
  std::size_t index = 0;
  for (auto item : get_or_fail(v.get_array(), origin, path, "a string or an array of strings"))
    out.emplace_back(get_or_fail(item.get_string(), origin, fmt::format("{}[{}]", path, index++), "a string"));
  return out;
}

ColumnSpec parse_column(value column_value, std::string_view origin, const std::string& path) {
  ColumnSpec column;
  bool has_name = false;
  std::optional<std::string> zone;
  std::optional<AmbiguousTime> ambiguous;
  auto fields = get_or_fail(column_value.get_object(), origin, path, "an object");
  for (auto field : fields) {
    std::string_view key = get_or_fail(field.unescaped_key(), origin, path, "a key");
    const std::string key_path = fmt::format("{}.{}", path, key);
    value v = get_or_fail(field.value(), origin, key_path, "a value");
    if (key == "name") {
      column.name = std::string(get_or_fail(v.get_string(), origin, key_path, "a string"));
      has_name = true;
    } else if (key == "type") {
      column.type = parse_type(get_or_fail(v.get_string(), origin, key_path, "a string"), origin, key_path);
    } else if (key == "required") {
      column.required = get_or_fail(v.get_bool(), origin, key_path, "true or false");
    } else if (key == "min") {
      column.min = get_or_fail(v.get_double(), origin, key_path, "a number");
    } else if (key == "max") {
      column.max = get_or_fail(v.get_double(), origin, key_path, "a number");
    } else if (key == "format") {
      parse_timestamp_format(get_or_fail(v.get_string(), origin, key_path, "a string"), column, origin, key_path);
    } else if (key == "zone") {
      zone = std::string(get_or_fail(v.get_string(), origin, key_path, "a string"));
    } else if (key == "ambiguous") {
      const std::string_view rule = get_or_fail(v.get_string(), origin, key_path, "a string");
      ambiguous = parse_ambiguous_time(rule);
      if (!ambiguous)
        config_error(origin, key_path, fmt::format("expected earliest, latest or reject; got \"{}\"", rule));
    } else if (key == "null") {
      column.nulls = string_or_strings(v, origin, key_path);
    } else if (key == "default") {
      column.default_value = std::string(get_or_fail(v.get_string(), origin, key_path, "a string"));
    } else if (key == "date_column") {
      column.date_column = std::string(get_or_fail(v.get_string(), origin, key_path, "a string"));
    } else if (key == "time_column") {
      column.time_column = std::string(get_or_fail(v.get_string(), origin, key_path, "a string"));
    } else if (key == "optional_in_header") {
      column.optional_in_header = get_or_fail(v.get_bool(), origin, key_path, "true or false");
    } else {
      config_error(origin, key_path,
                   "unknown key; expected name, type, required, min, max, format, zone, ambiguous, null, default, "
                   "date_column, time_column or optional_in_header");
    }
  }
  resolve_zone(column, zone, ambiguous, origin, path);
  if (!has_name || column.name.empty()) config_error(origin, path + ".name", "a non-empty column name is required");
  if ((column.min || column.max) && column.type != ColumnType::float8 && column.type != ColumnType::int8)
    config_error(origin, path, "min and max apply to float and int columns only");
  if (column.min && column.max && *column.min > *column.max) config_error(origin, path, "min is greater than max");
  if (column.optional_in_header && column.required)
    config_error(origin, path + ".optional_in_header",
                 "a required column cannot be optional_in_header (a header without it would load NULLs); give it a "
                 "\"default\" instead");
  if (column.date_column.empty() != column.time_column.empty())
    config_error(origin, path, "date_column and time_column go together");
  if (column.assembled() &&
      (column.type != ColumnType::timestamp || column.timestamp_format != TimestampFormat::pattern))
    config_error(origin, path,
                 "a timestamp from date_column and time_column needs \"type\": \"timestamp\" and a \"format\" pattern "
                 "for \"<date> <time>\", e.g. \"%d/%m/%Y %H.%M.%S\"");
  return column;
}

std::size_t resolve_column(const Config& config, std::string_view name, std::string_view origin,
                           std::string_view path) {
  if (auto index = config.find(name)) return *index;
  config_error(origin, path, fmt::format("no column named \"{}\" in columns", name));
}

void parse_dialect(value dialect_value, Dialect& dialect, std::string_view origin) {
  for (auto field : get_or_fail(dialect_value.get_object(), origin, "$.dialect", "an object")) {
    std::string_view key = get_or_fail(field.unescaped_key(), origin, "$.dialect", "a key");
    const std::string path = fmt::format("$.dialect.{}", key);
    value v = get_or_fail(field.value(), origin, path, "a value");
    if (key == "delimiter") {
      dialect.delimiter = single_char(get_or_fail(v.get_string(), origin, path, "a string"), origin, path);
    } else if (key == "quote") {
      dialect.quote = single_char(get_or_fail(v.get_string(), origin, path, "a string"), origin, path);
    } else if (key == "decimal") {
      std::string_view decimal = get_or_fail(v.get_string(), origin, path, "a string");
      if (decimal != "." && decimal != ",")
        config_error(origin, path, fmt::format("expected \".\" or \",\"; got \"{}\"", decimal));
      dialect.decimal_comma = decimal == ",";
    } else if (key == "header") {
      dialect.header = get_or_fail(v.get_bool(), origin, path, "true or false");
    } else if (key == "columns") {
      dialect.field_names = string_or_strings(v, origin, path);
    } else {
      config_error(origin, path, "unknown key; expected delimiter, quote, decimal, header or columns");
    }
  }
}

void check_config(const Config& config, std::string_view origin) {
  if (config.columns.empty()) config_error(origin, "$.columns", "at least one column is required");
  for (std::size_t i = 0; i < config.columns.size(); ++i)
    for (std::size_t j = i + 1; j < config.columns.size(); ++j) {
      if (config.columns[i].name == config.columns[j].name)
        config_error(origin, fmt::format("$.columns[{}].name", j),
                     fmt::format("duplicate column name \"{}\"", config.columns[j].name));
      // Both would match the same header field.
      if (config.header_case_insensitive && same_header_name(config.columns[i].name, config.columns[j].name, true))
        config_error(origin, fmt::format("$.columns[{}].name", j),
                     fmt::format("column names \"{}\" and \"{}\" differ only in case (header_case_insensitive)",
                                 config.columns[i].name, config.columns[j].name));
    }
  const ColumnSpec& ts = config.columns[config.timestamp_column];
  if (ts.type != ColumnType::timestamp || !ts.required)
    config_error(origin, "$.timestamp_column", fmt::format("\"{}\" must be a required timestamp column", ts.name));
  const ColumnSpec& sensor = config.columns[config.sensor_column];
  if (sensor.type != ColumnType::text || !sensor.required)
    config_error(origin, "$.sensor_column", fmt::format("\"{}\" must be a required text column", sensor.name));
  for (std::size_t index : config.measure_columns) {
    ColumnType type = config.columns[index].type;
    if (type != ColumnType::float8 && type != ColumnType::int8)
      config_error(origin, "$.aggregate",
                   fmt::format("\"{}\" is not a float or int column", config.columns[index].name));
  }
  if (config.layout == StorageLayout::blocks)
    for (std::size_t i = 0; i < config.columns.size(); ++i) {
      const std::string& name = config.columns[i].name;
      // The blocks table keeps its bounds in columns of these names and a column's encoded forms as "<name>:<form>".
      if (name == "first_ts" || name == "last_ts" || name == "n" || name.find(':') != std::string::npos)
        config_error(origin, fmt::format("$.columns[{}].name", i),
                     fmt::format("\"{}\" cannot be a column name with \"layout\": \"blocks\" (first_ts, last_ts, n "
                                 "and names with a colon are the blocks table's own)",
                                 name));
    }
  if (config.dialect.delimiter == config.dialect.quote) config_error(origin, "$.quote", "quote equals delimiter");
  if (config.dialect.decimal_comma && config.dialect.delimiter == ',')
    config_error(origin, "$.dialect.decimal", "a decimal comma needs another delimiter (e.g. \";\")");
  if (!config.dialect.header && !config.dialect.field_names.empty())
    for (std::size_t i = 0; i < config.columns.size(); ++i) {
      const ColumnSpec& column = config.columns[i];
      auto named = [&](const std::string& name) {
        return std::any_of(
            config.dialect.field_names.begin(), config.dialect.field_names.end(),
            [&](const std::string& field) { return same_header_name(field, name, config.header_case_insensitive); });
      };
      const bool found =
          column.assembled() ? named(column.date_column) && named(column.time_column) : named(column.name);
      if (!found && !column.default_value && column.required)
        config_error(origin, fmt::format("$.columns[{}]", i),
                     fmt::format("\"{}\" is required but not among $.dialect.columns", column.name));
    }
}

}  // namespace

std::string_view to_string(StorageLayout layout) { return layout == StorageLayout::blocks ? "blocks" : "rows"; }

std::string_view to_string(ColumnType type) {
  switch (type) {
    case ColumnType::timestamp: return "timestamp";
    case ColumnType::text: return "text";
    case ColumnType::float8: return "float";
    case ColumnType::int8: return "int";
    case ColumnType::boolean: return "bool";
  }
  return "?";
}

bool same_header_name(std::string_view field, std::string_view name, bool case_insensitive) {
  if (!case_insensitive) return field == name;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return field.size() == name.size() &&
         std::equal(field.begin(), field.end(), name.begin(), [&](char a, char b) { return lower(a) == lower(b); });
}

std::optional<std::size_t> Config::find(std::string_view name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  return std::nullopt;
}

Config default_config() {
  Config config;
  auto column = [](std::string name, ColumnType type, bool required, std::optional<double> min = {},
                   std::optional<double> max = {}) {
    ColumnSpec spec;
    spec.name = std::move(name);
    spec.type = type;
    spec.required = required;
    spec.min = min;
    spec.max = max;
    return spec;
  };
  // Every column is strict about the header (none is optional_in_header): a file that lacks or misspells
  // humidity, pressure or battery fails instead of loading NULLs. scripts/gen-data and the acceptance sample
  // (tests/acceptance/sensor_sample.py) always write all six columns.
  config.columns = {
      column("ts", ColumnType::timestamp, true),
      column("sensor_id", ColumnType::text, true),
      column("temperature", ColumnType::float8, true, -50.0, 150.0),
      column("humidity", ColumnType::float8, false, 0.0, 100.0),
      column("pressure", ColumnType::float8, false, 300.0, 1100.0),
      column("battery", ColumnType::float8, false, 0.0, 5.0),
  };
  config.timestamp_column = 0;
  config.sensor_column = 1;
  config.measure_columns = {2, 3, 4, 5};
  return config;
}

Config parse_config(std::string_view json, std::string_view origin) {
  simdjson::padded_string padded(json);
  // On-demand parsing reads only what it is asked for; the DOM parser validates the whole text first
  // (so trailing garbage after the root object is an error too).
  simdjson::dom::parser validator;
  if (auto error = validator.parse(padded).error())
    config_error(origin, "$", fmt::format("not valid JSON ({})", simdjson::error_message(error)));
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc;
  if (auto error = parser.iterate(padded).get(doc))
    config_error(origin, "$", fmt::format("not valid JSON ({})", simdjson::error_message(error)));
  Config config;
  config.columns.clear();
  std::string ts_name = "ts", sensor_name = "sensor_id";
  std::optional<std::vector<std::string>> measure_names;
  object root = get_or_fail(doc.get_object(), origin, "$", "an object");
  for (auto field : root) {
    std::string_view key = get_or_fail(field.unescaped_key(), origin, "$", "a key");
    const std::string path = fmt::format("$.{}", key);
    value v = get_or_fail(field.value(), origin, path, "a value");
    if (key == "schema") {
      config.schema = std::string(get_or_fail(v.get_string(), origin, path, "a string"));
      if (config.schema.empty()) config_error(origin, path, "expected a non-empty schema name");
    } else if (key == "dialect") {
      parse_dialect(v, config.dialect, origin);
    } else if (key == "delimiter") {
      config.dialect.delimiter = single_char(get_or_fail(v.get_string(), origin, path, "a string"), origin, path);
    } else if (key == "quote") {
      config.dialect.quote = single_char(get_or_fail(v.get_string(), origin, path, "a string"), origin, path);
    } else if (key == "layout") {
      const std::string_view layout = get_or_fail(v.get_string(), origin, path, "a string");
      if (layout == "rows")
        config.layout = StorageLayout::rows;
      else if (layout == "blocks")
        config.layout = StorageLayout::blocks;
      else
        config_error(origin, path, fmt::format("expected \"rows\" or \"blocks\"; got \"{}\"", layout));
    } else if (key == "header_case_insensitive") {
      config.header_case_insensitive = get_or_fail(v.get_bool(), origin, path, "true or false");
    } else if (key == "timestamp_column") {
      ts_name = std::string(get_or_fail(v.get_string(), origin, path, "a string"));
    } else if (key == "sensor_column") {
      sensor_name = std::string(get_or_fail(v.get_string(), origin, path, "a string"));
    } else if (key == "aggregate") {
      measure_names.emplace();
      std::size_t index = 0;
      for (auto item : get_or_fail(v.get_array(), origin, path, "an array of column names")) {
        const std::string item_path = fmt::format("{}[{}]", path, index++);
        measure_names->emplace_back(get_or_fail(item.get_string(), origin, item_path, "a string"));
      }
    } else if (key == "columns") {
      std::size_t index = 0;
      for (auto item : get_or_fail(v.get_array(), origin, path, "an array of columns")) {
        const std::string item_path = fmt::format("{}[{}]", path, index++);
        config.columns.push_back(
            parse_column(get_or_fail(std::move(item), origin, item_path, "a column"), origin, item_path));
      }
    } else {
      config_error(origin, path,
                   "unknown key; expected schema, layout, delimiter, quote, dialect, header_case_insensitive, "
                   "timestamp_column, sensor_column, aggregate or columns");
    }
  }
  if (config.columns.empty()) config_error(origin, "$.columns", "at least one column is required");
  config.timestamp_column = resolve_column(config, ts_name, origin, "$.timestamp_column");
  config.sensor_column = resolve_column(config, sensor_name, origin, "$.sensor_column");
  if (measure_names) {
    for (std::size_t i = 0; i < measure_names->size(); ++i)
      config.measure_columns.push_back(
          resolve_column(config, (*measure_names)[i], origin, fmt::format("$.aggregate[{}]", i)));
  } else {
    for (std::size_t i = 0; i < config.columns.size(); ++i)
      if (config.columns[i].type == ColumnType::float8) config.measure_columns.push_back(i);
  }
  check_config(config, origin);
  return config;
}

Config load_config(const std::string& path) {
  simdjson::padded_string json;
  if (auto error = simdjson::padded_string::load(path).get(json))
    throw UsageError(fmt::format("config {}: cannot read ({})", path, simdjson::error_message(error)));
  return parse_config(std::string_view(json), path);
}

}  // namespace sluice
