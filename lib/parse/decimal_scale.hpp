#pragma once
// A double as a scaled 32-bit integer, value = k / 10^scale bit for bit: how a block stores a float column's values
// and how a carried aggregate packs its bounds. PostgreSQL decodes both with one float8 division, which gives the
// same double because both k and 10^scale are exact doubles and the division is correctly rounded on either side.
#include <cstdint>

namespace sluice {

/// The largest scale: every power of ten up to 10^22 is an exact double.
inline constexpr int kMaxExactScale = 22;

/// The most decimals a block's scaled float column has (value = int / 10^scale, scale 0..kMaxBlockScale): the
/// scale byte after 16-bit codes indexes the view's table of their powers of ten.
inline constexpr int kMaxBlockScale = 9;

/// 10^scale for scale 0..kMaxExactScale.
inline constexpr double kPowersOfTen[kMaxExactScale + 1] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                            1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                                            1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/// The int32 k with k / 10^scale == value bit for bit, if there is one (never for -0.0, NaN or infinities).
bool scaled_int(double value, int scale, std::int32_t& k);

/// The scale of `value` as a decimal: the smallest s in at_least..most for which scaled_int finds a k (left in
/// `k`); -1 when there is none (more digits, out of int32 range, -0.0).
int decimal_scale(double value, int at_least, int most, std::int32_t& k);
/// The same, for the scale alone.
int decimal_scale(double value, int at_least, int most = kMaxBlockScale);

}  // namespace sluice
