#include "value/timestamp.hpp"

#include <cmath>
#include <optional>

#include "value/number.hpp"
#include "value/zone.hpp"

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

namespace {

bool in_supported_years(std::int64_t unix_micros) {
  static const std::int64_t kFirst = year_start_micros(1), kEnd = year_start_micros(10000);
  return unix_micros >= kFirst && unix_micros < kEnd;
}

bool valid_civil(unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute, unsigned second) {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month) && hour <= 23 &&
         minute <= 59 && second <= 59;
}

// Fraction digits at `pos` rounded to microseconds; advances pos. False without a digit.
bool parse_fraction(std::string_view text, std::size_t& pos, std::int64_t& micros) {
  std::int64_t scale = 100'000;
  std::size_t fraction_digits = 0;
  bool round_up = false;
  micros = 0;
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
  micros += round_up;
  return fraction_digits > 0;
}

// A civil date-time as seconds since 1970-01-01 00:00:00 of the same clock.
std::int64_t civil_seconds(unsigned year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                           unsigned second) {
  return days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

// The instant of a civil time at a known offset east of UTC.
bool at_offset(std::int64_t civil, std::int64_t micros, std::int64_t offset_seconds, std::int64_t& unix_micros) {
  unix_micros = (civil - offset_seconds) * kMicrosPerSecond + micros;
  // An offset can move the instant out of years 1..9999 UTC, where partitions are named by 4 digits.
  return in_supported_years(unix_micros);
}

// The instant of a civil time on the clock of `zone`: none when a daylight-saving change skips it, or
// repeats it and the zone's rule is to reject.
bool on_clock(std::int64_t civil, std::int64_t micros, LocalTimeResolver& zone, std::int64_t& unix_micros) {
  std::int64_t unix_seconds = 0;
  if (!zone.to_unix_seconds(civil, unix_seconds)) return false;
  return at_offset(civil, micros, civil - unix_seconds, unix_micros);
}

bool iso8601(std::string_view text, LocalTimeResolver* zone, std::int64_t& unix_micros) {
  text = trim_blanks(text);
  unsigned year, month, day, hour, minute, second;
  if (text.size() < 19 || !digits(text, 0, 4, year) || text[4] != '-' || !digits(text, 5, 2, month) || text[7] != '-' ||
      !digits(text, 8, 2, day) || !(text[10] == 'T' || text[10] == 't' || text[10] == ' ') ||
      !digits(text, 11, 2, hour) || text[13] != ':' || !digits(text, 14, 2, minute) || text[16] != ':' ||
      !digits(text, 17, 2, second))
    return false;
  if (!valid_civil(year, month, day, hour, minute, second)) return false;
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
    ++pos;
    if (!parse_fraction(text, pos, micros)) return false;
  }
  const std::int64_t civil = civil_seconds(year, month, day, hour, minute, second);
  if (pos == text.size() && zone) return on_clock(civil, micros, *zone, unix_micros);
  std::int64_t offset_seconds = 0;
  if (!parse_zone(text, pos, offset_seconds)) return false;
  return at_offset(civil, micros, offset_seconds, unix_micros);
}

// 1 or 2 digits (or exactly `width` when width > 2) at pos; advances pos.
bool pattern_number(std::string_view text, std::size_t& pos, std::size_t width, unsigned& out) {
  const std::size_t max_digits = width > 2 ? width : 2;
  std::size_t count = 0;
  out = 0;
  while (pos < text.size() && count < max_digits && text[pos] >= '0' && text[pos] <= '9') {
    out = out * 10 + static_cast<unsigned>(text[pos++] - '0');
    ++count;
  }
  return width > 2 ? count == width : count >= 1;
}

}  // namespace

bool parse_iso8601(std::string_view text, std::int64_t& unix_micros) { return iso8601(text, nullptr, unix_micros); }

bool parse_iso8601(std::string_view text, int default_offset_seconds, std::int64_t& unix_micros) {
  LocalTimeResolver zone(LocalZone::fixed(default_offset_seconds));
  return iso8601(text, &zone, unix_micros);
}

bool parse_iso8601(std::string_view text, LocalTimeResolver& zone, std::int64_t& unix_micros) {
  return iso8601(text, &zone, unix_micros);
}

bool parse_pattern(std::string_view text, std::string_view pattern, int default_offset_seconds,
                   std::int64_t& unix_micros) {
  LocalTimeResolver zone(LocalZone::fixed(default_offset_seconds));
  return parse_pattern(text, pattern, zone, unix_micros);
}

bool parse_pattern(std::string_view text, std::string_view pattern, LocalTimeResolver& zone,
                   std::int64_t& unix_micros) {
  text = trim_blanks(text);
  unsigned year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int64_t micros = 0;
  std::optional<std::int64_t> offset_seconds;  // from %z; without it the time is on the clock of `zone`
  std::size_t pos = 0;
  for (std::size_t p = 0; p < pattern.size(); ++p) {
    if (pattern[p] != '%' || p + 1 == pattern.size()) {
      if (pos >= text.size() || text[pos] != pattern[p]) return false;
      ++pos;
      continue;
    }
    bool ok = true;
    switch (pattern[++p]) {
      case 'Y': ok = pattern_number(text, pos, 4, year); break;
      case 'm': ok = pattern_number(text, pos, 2, month); break;
      case 'd': ok = pattern_number(text, pos, 2, day); break;
      case 'H': ok = pattern_number(text, pos, 2, hour); break;
      case 'M': ok = pattern_number(text, pos, 2, minute); break;
      case 'S': ok = pattern_number(text, pos, 2, second); break;
      case 'f': ok = parse_fraction(text, pos, micros); break;
      case 'z': {
        // The zone runs to the end of the text or to the next literal of the pattern.
        const std::size_t end = p + 1 < pattern.size() ? text.find(pattern[p + 1], pos) : text.size();
        const std::string_view zone = text.substr(pos, end == std::string_view::npos ? text.size() - pos : end - pos);
        int parsed = 0;
        ok = parse_zone_offset(zone, parsed);
        offset_seconds = parsed;
        pos += zone.size();
        break;
      }
      case '%': ok = pos < text.size() && text[pos++] == '%'; break;
      default: return false;
    }
    if (!ok) return false;
  }
  if (pos != text.size() || !valid_civil(year, month, day, hour, minute, second)) return false;
  const std::int64_t civil = civil_seconds(year, month, day, hour, minute, second);
  return offset_seconds ? at_offset(civil, micros, *offset_seconds, unix_micros)
                        : on_clock(civil, micros, zone, unix_micros);
}

bool parse_zone_offset(std::string_view text, int& offset_seconds) {
  text = trim_blanks(text);
  if (text == "UTC" || text == "utc" || text == "Z" || text == "z") {
    offset_seconds = 0;
    return true;
  }
  std::int64_t offset = 0;
  if (!parse_zone(text, 0, offset)) return false;
  offset_seconds = static_cast<int>(offset);
  return true;
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
