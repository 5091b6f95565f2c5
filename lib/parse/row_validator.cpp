#include "parse/row_validator.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <optional>

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

std::string printable_name(std::string_view name) {
  return simdjson::validate_utf8(name.data(), name.size()) ? std::string(name.substr(0, 64)) : "<not UTF-8>";
}

std::string printable_header(const std::vector<std::string_view>& header) {
  std::string out;
  for (std::string_view name : header) {
    if (!out.empty()) out += ',';
    out += printable_name(name);
    if (out.size() > 200) return out + ",...";
  }
  return out;
}

inline char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Levenshtein distance (insertions, deletions, substitutions; each costs 1) over bytes, ignoring ASCII case.
// Hand-written, two rows of the usual dynamic-programming table; only called for a failing header.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitute = previous[j - 1] + (ascii_lower(a[i - 1]) == ascii_lower(b[j - 1]) ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitute});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

// The header field that most likely meant `wanted`, among the fields no column took: one equal to it
// ignoring case, else the one at the smallest edit distance (the first in file order on a tie), if that
// distance is at most max(2, length / 3) and less than the length (a short name is not "near" anything
// it shares no byte with). Empty when nothing is reasonably close.
std::optional<std::string_view> nearest_field(std::string_view wanted,
                                              const std::vector<std::string_view>& candidates) {
  for (std::string_view candidate : candidates)
    if (same_header_name(candidate, wanted, true)) return candidate;
  if (wanted.size() < 2) return std::nullopt;
  const std::size_t limit = std::min(std::max<std::size_t>(2, wanted.size() / 3), wanted.size() - 1);
  std::optional<std::string_view> best;
  std::size_t best_distance = limit + 1;
  for (std::string_view candidate : candidates) {
    const std::size_t gap =
        candidate.size() > wanted.size() ? candidate.size() - wanted.size() : wanted.size() - candidate.size();
    if (gap >= best_distance) continue;  // the distance is at least the length difference
    const std::size_t distance = edit_distance(wanted, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

bool in_range(const ColumnSpec& column, double value) {
  return (!column.min || value >= *column.min) && (!column.max || value <= *column.max);
}

bool is_sentinel(const ColumnSpec& column, std::string_view text) {
  const std::string_view trimmed = trim_blanks(text);
  return trimmed.empty() || std::find(column.nulls.begin(), column.nulls.end(), trimmed) != column.nulls.end();
}

// Most text (sensor ids) is short ASCII: checked here a byte at a time without a library call.
inline bool ascii_without_nul(std::string_view text) {
  for (const char c : text)
    if (static_cast<unsigned char>(c) - 1u >= 0x7Fu) return false;  // NUL or a byte >= 0x80
  return true;
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
      time_parts_(config.columns.size()),
      iso_days_(config.columns.size()) {
  for (const ColumnSpec& column : config.columns) {
    zones_.emplace_back(column.local_zone().value_or(LocalZone()));
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

// A column the field names lack takes its default. Without one, a required column fails the file; so does
// any other column when the names come from the file's header, unless it is optional_in_header (then it is
// NULL): a header that misspells a column must not load its values as NULLs. Names from the config
// (a headerless file) may leave optional columns out.
void RowValidator::map_fields(const std::vector<std::string_view>& field_names) {
  constexpr unsigned kDate = 1, kTime = 2, kWhole = kDate | kTime;  // parts of a column seen, as bits
  const bool fold = config_.header_case_insensitive;
  std::vector<unsigned> seen(config_.columns.size(), 0);
  for (std::size_t field = 0; field < field_names.size(); ++field) {
    const std::string_view name = trim_blanks(field_names[field]);
    for (std::size_t i = 0; i < config_.columns.size(); ++i) {
      const ColumnSpec& column = config_.columns[i];
      FieldRole role{static_cast<int>(i), FieldRole::Part::whole};
      unsigned part = kWhole;
      if (column.assembled()) {
        if (same_header_name(name, column.date_column, fold)) {
          role.part = FieldRole::Part::date;
          part = kDate;
        } else if (same_header_name(name, column.time_column, fold)) {
          role.part = FieldRole::Part::time;
          part = kTime;
        } else {
          continue;
        }
      } else if (!same_header_name(name, column.name, fold)) {
        continue;
      }
      if (roles_[field].column >= 0 || (seen[i] & part) != 0)
        throw FileError(fmt::format("header names column \"{}\" twice", printable_name(name)));
      roles_[field] = role;
      seen[i] |= part;
    }
  }
  // The fields no column took: where a missing column's nearest name is looked for.
  std::vector<std::string_view> unused;
  for (std::size_t field = 0; field < field_names.size(); ++field)
    if (roles_[field].column < 0 && !trim_blanks(field_names[field]).empty())
      unused.push_back(trim_blanks(field_names[field]));
  std::string required_missing, missing, hints;
  for (std::size_t i = 0; i < config_.columns.size(); ++i) {
    const ColumnSpec& column = config_.columns[i];
    from_default_[i] = seen[i] != kWhole;
    if (seen[i] == kWhole || column.default_value) continue;
    if (!column.required && (!config_.dialect.header || column.optional_in_header)) continue;
    if (column.required)
      required_missing += (required_missing.empty() ? "" : ",") +
                          (column.assembled() ? column.date_column + "+" + column.time_column : column.name);
    // One clause per name the header lacks (for an assembled timestamp, its date or time column).
    auto lacks = [&](const std::string& name, std::string_view of) {
      const std::optional<std::string_view> nearest = nearest_field(name, unused);
      std::string clause = fmt::format("column \"{}\"{} is missing", name, of);
      if (nearest) {
        clause += fmt::format(" (nearest in the header: \"{}\")", printable_name(*nearest));
        hints += fmt::format("{}\"{}\" for \"{}\"", hints.empty() ? "" : ", ", printable_name(*nearest), name);
      }
      missing += (missing.empty() ? "" : ", ") + clause;
    };
    if (!column.assembled()) {
      lacks(column.name, "");
    } else {
      if ((seen[i] & kDate) == 0) lacks(column.date_column, fmt::format(" (the date of \"{}\")", column.name));
      if ((seen[i] & kTime) == 0) lacks(column.time_column, fmt::format(" (the time of \"{}\")", column.name));
    }
  }
  if (!required_missing.empty())
    throw FileError(fmt::format(
        "bad header: expected a header with {} (required: missing {}{}); got {}", column_list(config_.columns),
        required_missing, hints.empty() ? "" : "; nearest in the header: " + hints, printable_header(field_names)));
  if (!missing.empty())
    throw FileError(
        fmt::format("bad header: {}; expected a header with {}; got {} (a column that files may lack needs "
                    "\"optional_in_header\": true or a \"default\")",
                    missing, column_list(config_.columns), printable_header(field_names)));
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

// A time without an offset is read on the column's clock (UTC for a pattern without a zone); a naive ISO-8601
// time without a configured zone is ambiguous and rejected.
bool RowValidator::parse_timestamp(std::size_t column_index, std::string_view text, std::int64_t& micros) {
  const ColumnSpec& column = config_.columns[column_index];
  LocalTimeResolver& zone = zones_[column_index];
  switch (column.timestamp_format) {
    case TimestampFormat::iso8601:
      return column.iana_zone || column.zone_offset_seconds ? parse_iso8601(text, zone, micros)
                                                            : parse_iso8601(text, micros);
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
    case ColumnType::timestamp: {
      const bool iso = column.timestamp_format == TimestampFormat::iso8601;
      if (iso && iso_days_[column_index].lookup(text, value.integer)) return {};
      if (!parse_timestamp(column_index, text, value.integer)) return "timestamp";
      if (iso) iso_days_[column_index].remember(text, value.integer);
      return {};
    }
    case ColumnType::text:
      // PostgreSQL refuses invalid UTF-8 and NUL bytes in text: the whole COPY would fail.
      if (!ascii_without_nul(text) &&
          (!simdjson::validate_utf8(text.data(), text.size()) || text.find('\0') != std::string_view::npos))
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
