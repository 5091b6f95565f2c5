// The config as JSON, in the form parse_config reads: what `sluice infer` prints.
#include <fmt/format.h>

#include "config/config.hpp"
#include "core/logger.hpp"

namespace sluice {
namespace {

std::string format_name(const ColumnSpec& column) {
  switch (column.timestamp_format) {
    case TimestampFormat::iso8601: return "iso8601";
    case TimestampFormat::epoch_seconds: return "epoch_s";
    case TimestampFormat::epoch_millis: return "epoch_ms";
    case TimestampFormat::pattern: return column.timestamp_pattern;
  }
  return "iso8601";
}

std::string zone_text(int offset_seconds) {
  if (offset_seconds == 0) return "UTC";
  const int magnitude = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  return fmt::format("{}{:02}:{:02}", offset_seconds < 0 ? '-' : '+', magnitude / 3600, magnitude / 60 % 60);
}

std::string char_text(char c) { return c == '\t' ? "\\t" : std::string(1, c); }

std::string column_json(const ColumnSpec& column) {
  std::string out = fmt::format("{{\"name\": {}, \"type\": \"{}\"", json_quote(column.name), to_string(column.type));
  if (column.required) out += ", \"required\": true";
  if (column.min) out += fmt::format(", \"min\": {}", *column.min);
  if (column.max) out += fmt::format(", \"max\": {}", *column.max);
  if (column.type == ColumnType::timestamp) out += fmt::format(", \"format\": {}", json_quote(format_name(column)));
  if (column.iana_zone) {
    out += fmt::format(", \"zone\": {}", json_quote(column.iana_zone->name()));
    if (column.iana_zone->ambiguous() != AmbiguousTime::earliest)
      out += fmt::format(", \"ambiguous\": \"{}\"", to_string(column.iana_zone->ambiguous()));
  } else if (column.zone_offset_seconds) {
    out += fmt::format(", \"zone\": \"{}\"", zone_text(*column.zone_offset_seconds));
  }
  if (column.assembled())
    out += fmt::format(", \"date_column\": {}, \"time_column\": {}", json_quote(column.date_column),
                       json_quote(column.time_column));
  if (!column.nulls.empty()) {
    std::string nulls;
    for (const std::string& null : column.nulls) nulls += (nulls.empty() ? "" : ", ") + json_quote(null);
    out += fmt::format(", \"null\": [{}]", nulls);
  }
  if (column.default_value) out += fmt::format(", \"default\": {}", json_quote(*column.default_value));
  if (column.optional_in_header) out += ", \"optional_in_header\": true";
  return out + "}";
}

}  // namespace

std::string config_json(const Config& config) {
  std::string columns, measures, names;
  for (const ColumnSpec& column : config.columns)
    columns += (columns.empty() ? "\n    " : ",\n    ") + column_json(column);
  for (std::size_t index : config.measure_columns)
    measures += (measures.empty() ? "" : ", ") + json_quote(config.columns[index].name);
  for (const std::string& name : config.dialect.field_names) names += (names.empty() ? "" : ", ") + json_quote(name);
  std::string dialect =
      fmt::format("\"delimiter\": {}, \"quote\": {}, \"decimal\": \"{}\", \"header\": {}",
                  json_quote(char_text(config.dialect.delimiter)), json_quote(char_text(config.dialect.quote)),
                  config.dialect.decimal_comma ? ',' : '.', config.dialect.header ? "true" : "false");
  if (!config.dialect.header && !names.empty()) dialect += fmt::format(", \"columns\": [{}]", names);
  const char* case_insensitive = config.header_case_insensitive ? "  \"header_case_insensitive\": true,\n" : "";
  return fmt::format(
      "{{\n  \"schema\": {},\n  \"dialect\": {{{}}},\n{}  \"timestamp_column\": {},\n  \"sensor_column\": {},\n"
      "  \"aggregate\": [{}],\n  \"columns\": [{}\n  ]\n}}\n",
      json_quote(config.schema), dialect, case_insensitive, json_quote(config.columns[config.timestamp_column].name),
      json_quote(config.columns[config.sensor_column].name), measures, columns);
}

}  // namespace sluice
