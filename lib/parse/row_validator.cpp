#include "parse/row_validator.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>

#include "core/errors.hpp"
#include "value/number.hpp"
#include "value/timestamp.hpp"

namespace sluice {
namespace {

std::string column_list(const std::vector<ColumnSpec>& columns) {
  std::string out;
  for (const ColumnSpec& column : columns) {
    const std::string name = column.assembled() ? column.date_column + "+" + column.time_column : column.name;
    out += (out.empty() ? "" : ",") + name;
  }
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

bool is_sentinel(const ColumnSpec& column, std::string_view text) {
  const std::string_view trimmed = trim_blanks(text);
  return trimmed.empty() || std::find(column.nulls.begin(), column.nulls.end(), trimmed) != column.nulls.end();
}

inline bool is_null(const ColumnSpec& column, std::string_view text) {
  return text.empty() || (!column.nulls.empty() && is_sentinel(column, text));
}

}  // namespace

bool parse_bool(std::string_view text, bool& out) {
  text = trim_blanks(text);
  std::string lower(text.substr(0, 8));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (text.size() > 5) return false;
  if (lower == "true" || lower == "t" || lower == "yes" || lower == "y" || lower == "1" || lower == "on") {
    out = true;
    return true;
  }
  if (lower == "false" || lower == "f" || lower == "no" || lower == "n" || lower == "0" || lower == "off") {
    out = false;
    return true;
  }
  return false;
}

RowValidator::RowValidator(const Config& config, const std::vector<std::string_view>& field_names)
    : config_(config),
      roles_(field_names.size()),
      values_(config.columns.size()),
      defaults_(config.columns.size()),
      from_default_(config.columns.size(), false),
      date_parts_(config.columns.size()),
      time_parts_(config.columns.size()) {
  for (const ColumnSpec& column : config.columns) {
    missing_.push_back("missing:" + column.name);
    type_.push_back("type:" + column.name);
    range_.push_back("range:" + column.name);
  }
  map_fields(field_names);
  prepare_defaults();
  for (std::size_t i = 0; i < config.columns.size(); ++i) {
    has_defaults_ = has_defaults_ || (from_default_[i] && config.columns[i].default_value);
    has_assembled_ = has_assembled_ || config.columns[i].assembled();
  }
}

void RowValidator::map_fields(const std::vector<std::string_view>& field_names) {
  std::vector<int> seen(config_.columns.size(), 0);  // parts seen: 1 whole, 2 for date+time
  for (std::size_t field = 0; field < field_names.size(); ++field) {
    const std::string_view name = trim_blanks(field_names[field]);
    for (std::size_t i = 0; i < config_.columns.size(); ++i) {
      const ColumnSpec& column = config_.columns[i];
      FieldRole role{static_cast<int>(i), FieldRole::Part::whole};
      if (column.assembled()) {
        if (name == column.date_column)
          role.part = FieldRole::Part::date;
        else if (name == column.time_column)
          role.part = FieldRole::Part::time;
        else
          continue;
      } else if (name != column.name) {
        continue;
      }
      if (roles_[field].column >= 0 || (role.part == FieldRole::Part::whole && seen[i] > 0))
        throw FileError(fmt::format("header names column \"{}\" twice", std::string(name)));
      roles_[field] = role;
      ++seen[i];
    }
  }
  std::string missing;
  for (std::size_t i = 0; i < config_.columns.size(); ++i) {
    const ColumnSpec& column = config_.columns[i];
    const int needed = column.assembled() ? 2 : 1;
    from_default_[i] = seen[i] < needed;
    if (seen[i] < needed && column.required && !column.default_value)
      missing += (missing.empty() ? "" : ",") +
                 (column.assembled() ? column.date_column + "+" + column.time_column : column.name);
  }
  if (!missing.empty())
    throw FileError(fmt::format("bad header: expected a header with {} (required: missing {}); got {}",
                                column_list(config_.columns), missing, printable_header(field_names)));
}

// A column the file lacks takes its configured default (checked once here) or NULL.
void RowValidator::prepare_defaults() {
  for (std::size_t i = 0; i < config_.columns.size(); ++i) {
    if (!from_default_[i] || !config_.columns[i].default_value) continue;
    const std::string& text = *config_.columns[i].default_value;
    if (!check_field(i, text).empty())
      throw FileError(fmt::format("the default \"{}\" of column \"{}\" is not a valid {}", text,
                                  config_.columns[i].name, to_string(config_.columns[i].type)));
    defaults_[i] = values_[i];
  }
}

bool RowValidator::parse_timestamp(const ColumnSpec& column, std::string_view text, std::int64_t& micros) const {
  const int zone = column.zone_offset_seconds.value_or(0);
  switch (column.timestamp_format) {
    case TimestampFormat::iso8601:
      return column.zone_offset_seconds ? parse_iso8601(text, zone, micros) : parse_iso8601(text, micros);
    case TimestampFormat::epoch_seconds: return parse_epoch(text, 1, micros);
    case TimestampFormat::epoch_millis: return parse_epoch(text, 1000, micros);
    case TimestampFormat::pattern: return parse_pattern(text, column.timestamp_pattern, zone, micros);
  }
  return false;
}

std::string_view RowValidator::check_field(std::size_t column_index, std::string_view text) {
  const ColumnSpec& column = config_.columns[column_index];
  FieldValue& value = values_[column_index];
  if (is_null(column, text)) {
    value.null = true;
    return column.required ? std::string_view(missing_[column_index]) : std::string_view();
  }
  value.null = false;
  switch (column.type) {
    case ColumnType::timestamp:
      return parse_timestamp(column, text, value.integer) ? std::string_view() : std::string_view("timestamp");
    case ColumnType::text:
      // PostgreSQL refuses invalid UTF-8 and NUL bytes in text: the whole COPY would fail.
      if (!simdjson::validate_utf8(text.data(), text.size()) || text.find('\0') != std::string_view::npos)
        return type_[column_index];
      value.text = text;
      return {};
    case ColumnType::float8:
      if (!parse_double(text, value.real, config_.dialect.decimal_comma)) return type_[column_index];
      return in_range(column, value.real) ? std::string_view() : std::string_view(range_[column_index]);
    case ColumnType::int8:
      if (!parse_int64(text, value.integer)) return type_[column_index];
      return in_range(column, static_cast<double>(value.integer)) ? std::string_view()
                                                                  : std::string_view(range_[column_index]);
    case ColumnType::boolean: {
      bool flag = false;
      if (!parse_bool(text, flag)) return type_[column_index];
      value.integer = flag;
      return {};
    }
  }
  return type_[column_index];
}

// An assembled timestamp is checked when its second half arrives, as "<date> <time>".
std::string_view RowValidator::check_part(std::size_t column_index, FieldRole::Part part, std::string_view text) {
  (part == FieldRole::Part::date ? date_parts_ : time_parts_)[column_index] = text;
  const std::string_view date = date_parts_[column_index], time = time_parts_[column_index];
  if (date.data() == nullptr || time.data() == nullptr) return {};
  const ColumnSpec& column = config_.columns[column_index];
  if (is_null(column, date) || is_null(column, time)) return check_field(column_index, {});
  assembled_.assign(trim_blanks(date));
  assembled_ += ' ';
  assembled_ += trim_blanks(time);
  return check_field(column_index, assembled_);
}

std::string_view RowValidator::validate(const CsvRecord& record) {
  if (record.fields.size() != roles_.size() || record.unclosed_quote) return "columns";
  if (has_defaults_) {
    std::copy(defaults_.begin(), defaults_.end(), values_.begin());
  } else {
    for (FieldValue& value : values_) value.null = true;
  }
  if (has_assembled_) {
    std::fill(date_parts_.begin(), date_parts_.end(), std::string_view());
    std::fill(time_parts_.begin(), time_parts_.end(), std::string_view());
  }
  for (std::size_t field = 0; field < record.fields.size(); ++field) {
    const FieldRole role = roles_[field];
    if (role.column < 0) continue;
    const auto column = static_cast<std::size_t>(role.column);
    const std::string_view reason = role.part == FieldRole::Part::whole
                                        ? check_field(column, record.fields[field])
                                        : check_part(column, role.part, record.fields[field]);
    if (!reason.empty()) return reason;
  }
  return {};
}

}  // namespace sluice
