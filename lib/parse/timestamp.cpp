#include "parse/timestamp.hpp"

#include <cmath>

#include "parse/number.hpp"

namespace sluice {
namespace {

bool digits(std::string_view text, std::size_t pos, std::size_t count, unsigned& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

bool is_leap(unsigned year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned days_in_month(unsigned year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// Parses the zone suffix at `pos`; sets the offset east of UTC in seconds.
bool parse_zone(std::string_view text, std::size_t pos, std::int64_t& offset_seconds) {
  if (pos >= text.size()) return false;  // a naive time is ambiguous
  const char sign = text[pos];
  if ((sign == 'Z' || sign == 'z') && pos + 1 == text.size()) {
    offset_seconds = 0;
    return true;
  }
  if (sign != '+' && sign != '-') return false;
  unsigned hours = 0, minutes = 0;
  if (!digits(text, pos + 1, 2, hours)) return false;
  std::size_t next = pos + 3;
  if (next < text.size()) {
    if (text[next] == ':') ++next;
    if (!digits(text, next, 2, minutes) || next + 2 != text.size()) return false;
  }
  if (hours > 23 || minutes > 59) return false;
  offset_seconds = (sign == '-' ? -1 : 1) * static_cast<std::int64_t>(hours * 3600 + minutes * 60);
  return true;
}

}  // namespace

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

int year_of(std::int64_t unix_micros) {
  std::int64_t days = unix_micros / (86400 * kMicrosPerSecond);
  if (unix_micros % (86400 * kMicrosPerSecond) < 0) --days;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto day_of_era = static_cast<unsigned>(days - era * 146097);
  const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const unsigned mp = (5 * day_of_year + 2) / 153;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return static_cast<int>(static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2));
}

std::int64_t year_start_micros(int year) { return days_from_civil(year, 1, 1) * 86400 * kMicrosPerSecond; }

bool parse_iso8601(std::string_view text, std::int64_t& unix_micros) {
  text = trim_blanks(text);
  unsigned year, month, day, hour, minute, second;
  if (text.size() < 20 || !digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) ||
      text[7] != '-' || !digits(text, 8, 2, day) || !(text[10] == 'T' || text[10] == 't' || text[10] == ' ') ||
      !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second))
    return false;
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59)
    return false;
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    std::int64_t scale = 100'000;
    std::size_t fraction_digits = 0;
    bool round_up = false;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      const int digit = text[pos] - '0';
      if (fraction_digits < 6) {
        micros += digit * scale;
        scale /= 10;
      } else if (fraction_digits == 6) {
        round_up = digit >= 5;
      }
      ++fraction_digits;
      ++pos;
    }
    if (fraction_digits == 0) return false;
    micros += round_up;
  }
  std::int64_t offset_seconds = 0;
  if (!parse_zone(text, pos, offset_seconds)) return false;
  const std::int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  unix_micros = (seconds - offset_seconds) * kMicrosPerSecond + micros;
  // An offset can move the instant out of years 1..9999 UTC, where partitions are named by 4 digits.
  static const std::int64_t kFirst = year_start_micros(1), kEnd = year_start_micros(10000);
  return unix_micros >= kFirst && unix_micros < kEnd;
}

bool parse_epoch(std::string_view text, std::int64_t units_per_second, std::int64_t& unix_micros) {
  static const std::int64_t kMin = year_start_micros(1);
  static const std::int64_t kMax = year_start_micros(10000) - 1;
  std::int64_t whole = 0;
  if (parse_int64(text, whole)) {
    const std::int64_t per_unit = kMicrosPerSecond / units_per_second;
    if (whole > kMax / per_unit || whole < kMin / per_unit) return false;
    unix_micros = whole * per_unit;
    return true;
  }
  double value = 0;
  if (!parse_double(text, value)) return false;
  const double micros = std::nearbyint(value * (static_cast<double>(kMicrosPerSecond) / units_per_second));
  if (micros < static_cast<double>(kMin) || micros > static_cast<double>(kMax)) return false;
  unix_micros = static_cast<std::int64_t>(micros);
  return true;
}

}  // namespace sluice
