#include "parse/row_validator.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "core/errors.hpp"
#include "parse/number.hpp"
#include "parse/timestamp.hpp"

namespace sluice {
namespace {

std::string column_list(const std::vector<ColumnSpec>& columns) {
  std::string out;
  for (const ColumnSpec& column : columns) out += (out.empty() ? "" : ",") + column.name;
  return out;
}

std::string printable_header(const std::vector<std::string_view>& header) {
  std::string out;
  for (std::string_view name : header) {
    if (!out.empty()) out += ',';
    out += simdjson::validate_utf8(name.data(), name.size()) ? std::string(name.substr(0, 64)) : "<not UTF-8>";
    if (out.size() > 200) return out + ",...";
  }
  return out;
}

bool in_range(const ColumnSpec& column, double value) {
  return (!column.min || value >= *column.min) && (!column.max || value <= *column.max);
}

}  // namespace

RowValidator::RowValidator(const Config& config, const std::vector<std::string_view>& header)
    : config_(config), column_of_field_(header.size(), -1), values_(config.columns.size()) {
  std::vector<bool> seen(config.columns.size(), false);
  for (std::size_t field = 0; field < header.size(); ++field) {
    auto index = config.find(trim_blanks(header[field]));
    if (!index) continue;  // extra columns are ignored
    if (seen[*index])
      throw FileError(fmt::format("header names column \"{}\" twice", config.columns[*index].name));
    seen[*index] = true;
    column_of_field_[field] = static_cast<int>(*index);
  }
  std::string missing;
  for (std::size_t i = 0; i < config.columns.size(); ++i)
    if (!seen[i] && config.columns[i].required) missing += (missing.empty() ? "" : ",") + config.columns[i].name;
  if (!missing.empty())
    throw FileError(fmt::format("bad header: expected a header with {} (required: missing {}); got {}",
                                column_list(config.columns), missing, printable_header(header)));
  for (const ColumnSpec& column : config.columns) {
    missing_.push_back("missing:" + column.name);
    type_.push_back("type:" + column.name);
    range_.push_back("range:" + column.name);
  }
}

std::string_view RowValidator::check_field(std::size_t column_index, std::string_view text) {
  const ColumnSpec& column = config_.columns[column_index];
  FieldValue& value = values_[column_index];
  if (text.empty()) {
    value.null = true;
    return column.required ? std::string_view(missing_[column_index]) : std::string_view();
  }
  value.null = false;
  switch (column.type) {
    case ColumnType::timestamp: {
      bool ok = false;
      switch (column.timestamp_format) {
        case TimestampFormat::iso8601: ok = parse_iso8601(text, value.integer); break;
        case TimestampFormat::epoch_seconds: ok = parse_epoch(text, 1, value.integer); break;
        case TimestampFormat::epoch_millis: ok = parse_epoch(text, 1000, value.integer); break;
      }
      return ok ? std::string_view() : std::string_view("timestamp");
    }
    case ColumnType::text:
      // PostgreSQL refuses invalid UTF-8 and NUL bytes in text: the whole COPY would fail.
      if (!simdjson::validate_utf8(text.data(), text.size()) || text.find('\0') != std::string_view::npos)
        return type_[column_index];
      value.text = text;
      return {};
    case ColumnType::float8:
      if (!parse_double(text, value.real)) return type_[column_index];
      return in_range(column, value.real) ? std::string_view() : std::string_view(range_[column_index]);
    case ColumnType::int8:
      if (!parse_int64(text, value.integer)) return type_[column_index];
      return in_range(column, static_cast<double>(value.integer)) ? std::string_view()
                                                                   : std::string_view(range_[column_index]);
  }
  return type_[column_index];
}

std::string_view RowValidator::validate(const CsvRecord& record) {
  if (record.fields.size() != column_of_field_.size() || record.unclosed_quote) return "columns";
  for (FieldValue& value : values_) value.null = true;
  for (std::size_t field = 0; field < record.fields.size(); ++field) {
    const int column = column_of_field_[field];
    if (column < 0) continue;
    std::string_view reason = check_field(static_cast<std::size_t>(column), record.fields[field]);
    if (!reason.empty()) return reason;
  }
  return {};
}

}  // namespace sluice
