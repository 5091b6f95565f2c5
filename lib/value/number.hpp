#pragma once
// Correctly rounded number parsing (std::from_chars), strict about what counts as a number.
#include <cstdint>
#include <string_view>

namespace sluice {

/// Parses a finite decimal number: optional surrounding spaces/tabs, optional sign, digits with an
/// optional fraction and exponent. `decimal_comma` accepts ',' as the decimal separator instead of '.'.
/// Rejects empty text, trailing garbage, hex floats, nan, inf and values out of double range.
bool parse_double(std::string_view text, double& out, bool decimal_comma = false);

/// Parses a base-10 64-bit integer with optional surrounding spaces and sign.
bool parse_int64(std::string_view text, std::int64_t& out);

/// `text` without leading and trailing spaces and tabs.
std::string_view trim_blanks(std::string_view text);

}  // namespace sluice
