#include "value/number.hpp"

#include <fast_float/fast_float.h>

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
// value std::from_chars returns. One loop over the bytes; anything else (exponents, long mantissas, a
// point without digits after it, junk) returns false and takes the general path.
bool fast_decimal(std::string_view text, char point, double& out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p < end && *p == '-';
  p += negative;
  const char* const first = p;
  const char* dot = nullptr;
  std::uint64_t mantissa = 0;
  for (; p < end; ++p) {
    const auto digit = static_cast<unsigned>(static_cast<unsigned char>(*p) - '0');
    if (digit < 10) {
      mantissa = mantissa * 10 + digit;
    } else if (*p == point && dot == nullptr) {
      dot = p;
    } else {
      return false;
    }
  }
  const auto digits = static_cast<std::size_t>(end - first) - (dot != nullptr);
  if (digits == 0 || digits > 15 || (dot != nullptr && dot + 1 == end)) return false;
  const double value = static_cast<double>(mantissa) / kPow10[dot != nullptr ? end - dot - 1 : 0];
  out = negative ? -value : value;
  return true;
}

// The general case: fast_float (Debian's libfast-float-dev), correctly rounded like std::from_chars and
// about twice as fast, with the decimal separator as an option (no copy for decimal commas). Where the two
// disagree by design — fast_float rounds an underflow to 0 or an overflow to infinity, from_chars reports it
// out of range — the strict answer is kept: such values are rejected, as before.
bool general_decimal(std::string_view text, char point, double& out) {
  const fast_float::parse_options options{fast_float::chars_format::general, point};
  const char* const end = text.data() + text.size();
  const auto [stop, error] = fast_float::from_chars_advanced(text.data(), end, out, options);
  if (error != std::errc() || stop != end || !std::isfinite(out)) return false;
  if (out != 0 && std::fpclassify(out) != FP_SUBNORMAL) return true;
  // A zero or subnormal: from_chars refuses a nonzero decimal that underflows; ask it (rare).
  if (point != '.') {
    std::string with_point(text);
    for (char& c : with_point)
      if (c == point) c = '.';
    return std::from_chars(with_point.data(), with_point.data() + with_point.size(), out).ec == std::errc();
  }
  return std::from_chars(text.data(), end, out).ec == std::errc();
}

bool parse_double(std::string_view text, double& out, bool decimal_comma) {
  // The common case first: no blanks or '+' around a plain decimal.
  const char point = decimal_comma ? ',' : '.';
  if (!text.empty() && static_cast<unsigned>(text.back() - '0') < 10 && text.front() != ' ' && text.front() != '\t' &&
      text.front() != '+' && fast_decimal(text, point, out))
    return true;
  text = trim_blanks(text);
  if (!strip_plus(text) || text.empty()) return false;
  if (fast_decimal(text, point, out)) return true;
  // Both parsers take "nan", "inf" and "infinity": a number must start with a digit, the point or '-'.
  const char first = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
  if (!(first >= '0' && first <= '9') && first != point) return false;
  // With a decimal comma, a '.' is neither separator nor digit (fast_float would stop there anyway).
  return general_decimal(text, point, out);
}

bool parse_int64(std::string_view text, std::int64_t& out) {
  text = trim_blanks(text);
  if (!strip_plus(text) || text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace sluice
