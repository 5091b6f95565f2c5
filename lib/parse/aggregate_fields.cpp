#include "parse/aggregate_fields.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "parse/block_format.hpp"
#include "parse/decimal_scale.hpp"

namespace sluice {
namespace {

constexpr std::uint16_t kPositive = 0x0000, kNegative = 0x4000;

void put16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value & 0xFF);
}

// The most decimal digits of a value here: 17 for a double, 39 for a 128-bit integer.
constexpr std::size_t kMaxDigits = 40;

// The binary numeric of sign * digits * 10^exponent (digits: decimal, no sign, at most kMaxDigits). PostgreSQL
// stores base-10000 digits with the weight (power of 10000) of the first one; dscale is the number of decimal
// places shown. Without a heap allocation but the result's (none for up to three base-10000 digits): the
// aggregate store encodes one per measure of every file's sensor-hour.
std::string encode_decimal(bool negative, std::string_view digits, int exponent) {
  const int align = ((exponent % 4) + 4) % 4;  // lower the exponent to a multiple of 4 by appending zeros
  exponent -= align;
  const std::size_t total = digits.size() + static_cast<std::size_t>(align);
  const std::size_t lead = (4 - total % 4) % 4;  // zeros in front, to whole groups of four
  const std::size_t count = (lead + total) / 4;
  std::array<std::uint16_t, (kMaxDigits + 6) / 4 + 1> groups{};
  for (std::size_t g = 0; g < count; ++g) {
    int group = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const std::size_t at = g * 4 + k;  // position among lead zeros, digits, appended zeros
      const bool digit = at >= lead && at - lead < digits.size();
      group = group * 10 + (digit ? digits[at - lead] - '0' : 0);
    }
    groups[g] = static_cast<std::uint16_t>(group);
  }
  int weight = exponent / 4 + static_cast<int>(count) - 1;
  std::size_t first = 0, last = count;
  while (first < last && groups[first] == 0) {
    ++first;
    --weight;
  }
  while (last > first && groups[last - 1] == 0) --last;
  const int dscale = std::max(0, -(exponent + align));
  std::string out;
  out.reserve(8 + 2 * (last - first));
  put16(out, static_cast<std::uint16_t>(last - first));
  put16(out, static_cast<std::uint16_t>(first == last ? 0 : weight));
  put16(out, first == last || !negative ? kPositive : kNegative);
  put16(out, static_cast<std::uint16_t>(dscale));
  for (std::size_t i = first; i < last; ++i) put16(out, groups[i]);
  return out;
}

}  // namespace

namespace {

// A finite double as the shortest decimal that reads back as it: sign, digits, and the power of ten of the last
// digit (403.21: "40321", -2).
struct ShortestDecimal {
  bool negative = false;
  char digits[kMaxDigits];
  std::size_t size = 0;
  int exponent = 0;

  [[nodiscard]] std::string_view digit_view() const { return {digits, size}; }
  /// The digits as a signed integer (at most 17 of them: it fits).
  [[nodiscard]] std::int64_t mantissa() const {
    std::int64_t out = 0;
    for (std::size_t i = 0; i < size; ++i) out = out * 10 + (digits[i] - '0');
    return negative ? -out : out;
  }
};

ShortestDecimal shortest_decimal(double value) {
  char text[64];
  // Shortest round-trip form in scientific notation: "-d.ddde+XX".
  const auto [end, error] = std::to_chars(text, text + sizeof text, value, std::chars_format::scientific);
  if (error != std::errc() || !std::isfinite(value)) throw std::invalid_argument("numeric_from_double: not finite");
  std::string_view form(text, static_cast<std::size_t>(end - text));
  ShortestDecimal out;
  out.negative = form.front() == '-';
  if (out.negative) form.remove_prefix(1);
  const std::size_t e = form.find('e');
  for (char c : form.substr(0, e))
    if (c != '.') out.digits[out.size++] = c;
  int power = 0;
  const std::string_view exponent_text = form.substr(e + 1);
  // from_chars takes no '+'.
  const std::size_t skip = exponent_text.front() == '+' ? 1 : 0;
  std::from_chars(exponent_text.data() + skip, exponent_text.data() + exponent_text.size(), power);
  out.exponent = power - static_cast<int>(out.size - 1);
  return out;
}

// The packed form of a bound (block_format.hpp): the smallest scale up to 10^22 whose int32 gives the double back
// (the check a block's float values take, which the view's decoding repeats), stored as 128 - scale; false when
// there is none.
bool pack_bound(double value, char* out) {
  std::int32_t mantissa = 0;
  const int scale = decimal_scale(value, 0, kMaxExactScale, mantissa);
  if (scale < 0) return false;
  const auto biased = static_cast<std::uint32_t>(static_cast<std::int64_t>(mantissa) + (std::int64_t{1} << 31));
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(biased >> (24 - 8 * i));
  out[4] = static_cast<char>(128 - scale);
  return true;
}

// The packed form of a sum: the digits of numeric_from_double's numeric, whatever they are, while the exponent
// fits its byte.
bool pack_sum(double value, char* out) {
  if (!std::isfinite(value)) return false;
  const ShortestDecimal decimal = shortest_decimal(value);
  if (decimal.exponent < -127 || decimal.exponent > 127) return false;
  const auto biased = static_cast<std::uint64_t>(decimal.mantissa() + (std::int64_t{1} << 62));
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(biased >> (56 - 8 * i));
  out[8] = static_cast<char>(decimal.exponent + 128);
  return true;
}

}  // namespace

std::string numeric_from_double(double value) {
  const ShortestDecimal decimal = shortest_decimal(value);
  return encode_decimal(decimal.negative, decimal.digit_view(), decimal.exponent);
}

bool pack_float_measure(const MeasureAggregate& measure, char* out) {
  if (measure.count == 0) {
    std::memset(out, 0, kPackedMeasureBytes);  // exponent bytes 0: three NULLs
    return true;
  }
  return pack_bound(measure.min, out) && pack_bound(measure.max, out + 5) && pack_sum(measure.sum, out + 10);
}

std::string numeric_from_integer(IntegerSum value) {
  const bool negative = value < 0;
  // Digits of the magnitude, built from the unsigned value so that the most negative sum does not overflow.
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(value) : value;
  char digits[kMaxDigits];
  std::size_t first = kMaxDigits;
  do {
    digits[--first] = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  return encode_decimal(negative, std::string_view(digits + first, kMaxDigits - first), 0);
}

void add_measure_count(CopyBuffer& out, const MeasureAggregate& measure, std::int64_t implied_count) {
  if (measure.count == implied_count)
    out.add_null();
  else
    out.add_int8(measure.count);
}

void add_measure_fields(CopyBuffer& out, const MeasureAggregate& measure, bool integer, std::int64_t implied_count) {
  add_measure_count(out, measure, implied_count);
  if (measure.count == 0) {
    out.add_null();
    out.add_null();
    out.add_null();
  } else if (integer) {
    out.add_int8(measure.int_min);
    out.add_int8(measure.int_max);
    out.add_text(numeric_from_integer(measure.int_sum));  // add_text writes a field's bytes as given
  } else {
    out.add_float8(measure.min);
    out.add_float8(measure.max);
    out.add_text(numeric_from_double(measure.sum));
  }
}

}  // namespace sluice
