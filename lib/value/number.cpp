#include "value/number.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>

namespace sluice {

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Drops one leading '+'; false when a second sign follows ("+-5").
bool strip_plus(std::string_view& text) {
  if (text.empty() || text.front() != '+') return true;
  text.remove_prefix(1);
  return text.empty() || (text.front() != '-' && text.front() != '+');
}

// Clinger's exact fast path: a decimal of at most 15 digits is an integer m < 2^53 scaled by 10^-k with
// k <= 15; both are exact doubles, so one IEEE division gives the correctly rounded result, the same
// value std::from_chars returns. Anything else (exponents, long mantissas, junk) takes from_chars.
bool fast_decimal(std::string_view text, char point, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p < end && *p == '-';
  p += negative;
  std::uint64_t mantissa = 0;
  int digits = 0, fraction_digits = 0;
  for (; p < end && static_cast<unsigned>(*p - '0') < 10; ++p, ++digits) mantissa = mantissa * 10 + (*p - '0');
  if (p < end && *p == point) {
    ++p;
    for (; p < end && static_cast<unsigned>(*p - '0') < 10; ++p, ++digits, ++fraction_digits)
      mantissa = mantissa * 10 + (*p - '0');
    if (fraction_digits == 0) return false;
  }
  if (p != end || digits == 0 || digits > 15) return false;
  const double value = static_cast<double>(mantissa) / kPow10[fraction_digits];
  out = negative ? -value : value;
  return true;
}

bool parse_double(std::string_view text, double& out, bool decimal_comma) {
  text = trim_blanks(text);
  if (!strip_plus(text) || text.empty()) return false;
  if (fast_decimal(text, decimal_comma ? ',' : '.', out)) return true;
  // from_chars also takes "nan", "inf" and "infinity": a number must start with a digit, '.' or '-'.
  const char first = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
  if (!(first >= '0' && first <= '9') && first != '.' && !(decimal_comma && first == ',')) return false;
  std::string with_point;
  if (decimal_comma) {
    if (text.find('.') != std::string_view::npos) return false;
    with_point.assign(text);
    for (char& c : with_point)
      if (c == ',') c = '.';
    text = with_point;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  return std::isfinite(out);
}

bool parse_int64(std::string_view text, std::int64_t& out) {
  text = trim_blanks(text);
  if (!strip_plus(text) || text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace sluice
