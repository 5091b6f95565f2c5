#include "infer/infer_column.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>

#include "parse/row_validator.hpp"
#include "value/number.hpp"
#include "value/timestamp.hpp"

namespace sluice {
namespace {

constexpr std::array kNullWords{"NA",   "N/A",  "n/a", "na",  "null", "NULL", "Null",
                                "None", "none", "nan", "NaN", "NAN",  "-"};

// A bool spelled as a word (true/false, yes/no, on/off, t/f, y/n): 0 and 1 are integers.
bool is_bool_word(std::string_view text) {
  bool flag = false;
  return !text.empty() && std::isalpha(static_cast<unsigned char>(text.front())) && parse_bool(text, flag);
}

std::size_t needed_share(std::size_t values) {
  return static_cast<std::size_t>(std::ceil(kInferTypeShare * static_cast<double>(values)));
}

void add_token(std::vector<std::string>& tokens, std::string_view token) {
  if (std::find(tokens.begin(), tokens.end(), token) == tokens.end()) tokens.emplace_back(token);
}

// Numbers of a numeric column: sentinels (with their spellings) become nulls, the rest give the range.
void profile_numbers(const std::vector<std::string_view>& values, bool decimal_comma, ColumnProfile& profile) {
  std::vector<double> numbers;
  std::vector<std::string_view> spellings;
  numbers.reserve(values.size());
  for (std::string_view value : values) {
    double number = 0;
    if (!parse_double(value, number, decimal_comma)) continue;
    numbers.push_back(number);
    spellings.push_back(value);
  }
  profile.sentinels = find_sentinels(numbers);
  std::vector<double> clean;
  clean.reserve(numbers.size());
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const auto& sentinels = profile.sentinels;
    if (std::none_of(sentinels.begin(), sentinels.end(), [&](const Sentinel& s) { return s.value == numbers[i]; })) {
      clean.push_back(numbers[i]);
      continue;
    }
    add_token(profile.null_tokens, spellings[i]);
    ++profile.nulls;
  }
  if (clean.empty()) return;
  profile.epoch = guess_epoch(clean, needed_share(clean.size()));
  const auto [lowest, highest] = std::minmax_element(clean.begin(), clean.end());
  profile.lowest = *lowest;
  profile.highest = *highest;
  profile.range = suggest_range(clean, profile.kind == ValueKind::integer);
  profile.outliers = find_outliers(std::move(clean));
}

// The kind most of the values fit, in ValueKind order.
void classify(const std::vector<std::string_view>& values, bool decimal_comma, ColumnProfile& profile) {
  const std::size_t needed = needed_share(values.size());
  std::size_t bools = 0, integers = 0, reals = 0;
  for (std::string_view value : values) {
    std::int64_t integer = 0;
    double real = 0;
    bools += is_bool_word(value) ? 1 : 0;
    integers += parse_int64(value, integer) ? 1 : 0;
    reals += parse_double(value, real, decimal_comma) ? 1 : 0;
  }
  if (bools >= needed) {
    profile.kind = ValueKind::boolean;
  } else if (integers >= needed && integers == reals) {
    profile.kind = ValueKind::integer;
  } else if (reals >= needed) {
    profile.kind = ValueKind::real;
  } else if ((profile.timestamp = guess_datetime(values, needed))) {
    profile.kind = ValueKind::datetime;
  } else if ((profile.timestamp = guess_date(values, needed))) {
    profile.kind = ValueKind::date;
  } else if ((profile.timestamp = guess_time(values, needed))) {
    profile.kind = ValueKind::time;
  } else {
    profile.kind = ValueKind::text;
  }
}

}  // namespace

bool is_null_word(std::string_view text) {
  return std::find(kNullWords.begin(), kNullWords.end(), trim_blanks(text)) != kNullWords.end();
}

ColumnProfile profile_column(const std::vector<std::string_view>& values, bool decimal_comma) {
  ColumnProfile profile;
  std::vector<std::string_view> present;
  present.reserve(values.size());
  for (std::string_view value : values) {
    const std::string_view trimmed = trim_blanks(value);
    if (trimmed.empty()) {
      ++profile.nulls;
    } else if (is_null_word(trimmed)) {
      ++profile.nulls;
      add_token(profile.null_tokens, trimmed);
    } else {
      present.push_back(trimmed);
    }
  }
  profile.values = present.size();
  if (present.empty()) return profile;
  classify(present, decimal_comma, profile);
  if (profile.kind == ValueKind::integer || profile.kind == ValueKind::real)
    profile_numbers(present, decimal_comma, profile);
  return profile;
}

bool fits_profile(const ColumnProfile& profile, std::string_view value, bool decimal_comma) {
  value = trim_blanks(value);
  if (value.empty() || is_null_word(value)) return true;
  std::int64_t integer = 0, micros = 0;
  double real = 0;
  switch (profile.kind) {
    case ValueKind::empty: return false;
    case ValueKind::boolean: return is_bool_word(value);
    case ValueKind::integer: return parse_int64(value, integer);
    case ValueKind::real: return parse_double(value, real, decimal_comma);
    case ValueKind::datetime:
      if (profile.timestamp->format == TimestampFormat::iso8601) return parse_iso8601(value, 0, micros);
      return parse_pattern(value, profile.timestamp->pattern, 0, micros);
    case ValueKind::date:
    case ValueKind::time: return parse_pattern(value, profile.timestamp->pattern, 0, micros);
    case ValueKind::text: return true;
  }
  return true;
}

}  // namespace sluice
