#include "s3/aws_credentials.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

namespace sluice {
namespace {

// Reads `digits` decimal digits at `pos` of `text`, then expects `separator` (unless it is '\0').
bool read_number(std::string_view text, std::size_t& pos, std::size_t digits, char separator, int& out) {
  if (pos + digits > text.size()) return false;
  const char* begin = text.data() + pos;
  const auto [end, error] = std::from_chars(begin, begin + digits, out);
  if (error != std::errc() || end != begin + digits) return false;
  pos += digits;
  if (separator == '\0') return true;
  if (pos >= text.size() || text[pos] != separator) return false;
  ++pos;
  return true;
}

}  // namespace

EnvironmentLookup process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    if (const char* value = std::getenv(name)) return std::string(value);
    return std::nullopt;
  };
}

std::string environment_value(const EnvironmentLookup& lookup, const char* name) {
  return lookup(name).value_or(std::string());
}

std::optional<SystemTime> parse_aws_time(std::string_view text) {
  using namespace std::chrono;
  text = strip_blanks(text);
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_number(text, pos, 4, '-', year) || !read_number(text, pos, 2, '-', month) ||
      !read_number(text, pos, 2, 'T', day) || !read_number(text, pos, 2, ':', hour) ||
      !read_number(text, pos, 2, ':', minute) || !read_number(text, pos, 2, '\0', second))
    return std::nullopt;
  const year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if (pos < text.size() && text[pos] == '.') {  // fractional seconds: dropped (expirations are whole seconds)
    ++pos;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == digits_start) return std::nullopt;
  }
  int offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int offset_hours = 0, offset_rest = 0;
    if (!read_number(text, pos, 2, ':', offset_hours) || !read_number(text, pos, 2, '\0', offset_rest))
      return std::nullopt;
    offset_minutes = sign * (offset_hours * 60 + offset_rest);
  } else {
    return std::nullopt;  // a time without a zone would be read in an unknown one
  }
  if (pos != text.size()) return std::nullopt;
  return SystemTime(sys_days(date) + hours(hour) + minutes(minute) + seconds(second) - minutes(offset_minutes));
}

std::string format_aws_time(SystemTime time) {
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::time_point_cast<std::chrono::seconds>(time));
}

std::string_view strip_blanks(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\r\n";
  const std::size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

}  // namespace sluice
