#include "load/numeric_field.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace sluice {
namespace {

constexpr std::uint16_t kPositive = 0x0000, kNegative = 0x4000;

void put16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value & 0xFF);
}

// The binary numeric of sign * digits * 10^exponent (digits: decimal, no sign). PostgreSQL stores base-10000
// digits with the weight (power of 10000) of the first one; dscale is the number of decimal places shown.
std::string encode_decimal(bool negative, std::string digits, int exponent) {
  const int align = ((exponent % 4) + 4) % 4;  // lower the exponent to a multiple of 4 by appending zeros
  digits.append(static_cast<std::size_t>(align), '0');
  exponent -= align;
  digits.insert(0, (4 - digits.size() % 4) % 4, '0');
  std::vector<std::uint16_t> groups;
  for (std::size_t i = 0; i < digits.size(); i += 4)
    groups.push_back(static_cast<std::uint16_t>(std::stoi(digits.substr(i, 4))));
  int weight = exponent / 4 + static_cast<int>(groups.size()) - 1;
  std::size_t first = 0, last = groups.size();
  while (first < last && groups[first] == 0) {
    ++first;
    --weight;
  }
  while (last > first && groups[last - 1] == 0) --last;
  const int dscale = std::max(0, -(exponent + align));
  std::string out;
  put16(out, static_cast<std::uint16_t>(last - first));
  put16(out, static_cast<std::uint16_t>(first == last ? 0 : weight));
  put16(out, first == last || !negative ? kPositive : kNegative);
  put16(out, static_cast<std::uint16_t>(dscale));
  for (std::size_t i = first; i < last; ++i) put16(out, groups[i]);
  return out;
}

}  // namespace

std::string numeric_from_double(double value) {
  char text[64];
  // Shortest round-trip form in scientific notation: "-d.ddde+XX".
  const auto [end, error] = std::to_chars(text, text + sizeof text, value, std::chars_format::scientific);
  if (error != std::errc() || !std::isfinite(value)) throw std::invalid_argument("numeric_from_double: not finite");
  std::string_view form(text, static_cast<std::size_t>(end - text));
  const bool negative = form.front() == '-';
  if (negative) form.remove_prefix(1);
  const std::size_t e = form.find('e');
  std::string digits;
  for (char c : form.substr(0, e))
    if (c != '.') digits += c;
  const int exponent = std::atoi(std::string(form.substr(e + 1)).c_str()) - static_cast<int>(digits.size() - 1);
  return encode_decimal(negative, std::move(digits), exponent);
}

std::string numeric_from_integer(IntegerSum value) {
  const bool negative = value < 0;
  // Digits of the magnitude, built from the unsigned value so that the most negative sum does not overflow.
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(value) : value;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return encode_decimal(negative, std::move(digits), 0);
}

}  // namespace sluice
