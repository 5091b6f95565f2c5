#include "parse/decimal_scale.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace sluice {

bool scaled_int(double value, int scale, std::int32_t& k) {
  const double scaled = value * kPowersOfTen[scale];
  if (!(std::fabs(scaled) <= static_cast<double>(std::numeric_limits<std::int32_t>::max()))) return false;
  // Rounded by hand, not with nearbyint (which saves and restores the floating-point environment, a large part
  // of a value's cost here): the check below decides exactness, so how a tie rounds does not matter.
  k = static_cast<std::int32_t>(scaled >= 0 ? scaled + 0.5 : scaled - 0.5);
  return std::bit_cast<std::uint64_t>(static_cast<double>(k) / kPowersOfTen[scale]) ==
         std::bit_cast<std::uint64_t>(value);
}

int decimal_scale(double value, int at_least, int most, std::int32_t& k) {
  for (int scale = std::max(at_least, 0); scale <= most; ++scale)
    if (scaled_int(value, scale, k)) return scale;
  return -1;
}

int decimal_scale(double value, int at_least, int most) {
  std::int32_t k = 0;
  return decimal_scale(value, at_least, most, k);
}

}  // namespace sluice
