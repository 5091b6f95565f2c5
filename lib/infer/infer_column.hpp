#pragma once
// Column typing for `sluice infer`: what one column's sample values are, and the rules they suggest.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "infer/infer_numbers.hpp"
#include "infer/infer_timestamp.hpp"

namespace sluice {

/// What a column's values are. A kind is taken when at least kInferTypeShare of the non-null values
/// fit it (the rest are bad rows: they will be type: or timestamp rejects); checked in this order.
/// A number column is integer only when none of its numbers has a fraction (so "12.5" in a column of
/// whole numbers makes it real, not a reject).
enum class ValueKind { empty, boolean, integer, real, datetime, date, time, text };

/// Share of a column's non-null values that must fit a kind.
constexpr double kInferTypeShare = 0.98;

/// The profile of one column's sample values.
struct ColumnProfile {
  ValueKind kind = ValueKind::empty;
  std::size_t values = 0;                   ///< non-empty values seen
  std::size_t nulls = 0;                    ///< empty values, null words and sentinels
  std::vector<std::string> null_tokens;     ///< null words and sentinels as spelled in the file ("NA", "-200")
  std::optional<TimestampGuess> timestamp;  ///< datetime, date and time kinds
  std::optional<EpochGuess> epoch;          ///< integer and real kinds in the epoch range
  std::vector<Sentinel> sentinels;          ///< numbers taken as "no reading" (their spellings are in null_tokens)
  SuggestedRange range;                     ///< integer and real kinds, from the values other than sentinels
  Outliers outliers;                        ///< integer and real kinds: values far from the rest, not enforced
  double lowest = 0, highest = 0;           ///< integer and real kinds: the values other than sentinels
};

/// Profiles one column from its values (in sample order).
ColumnProfile profile_column(const std::vector<std::string_view>& values, bool decimal_comma);

/// True when `value` is null for the profile or fits its kind: a header line's names do not.
bool fits_profile(const ColumnProfile& profile, std::string_view value, bool decimal_comma);

/// True for the words files use for "no value": NA, N/A, null, NULL, None, nan, NaN, -, and so on.
bool is_null_word(std::string_view text);

}  // namespace sluice
