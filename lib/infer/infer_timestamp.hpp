#pragma once
// Timestamp formats for `sluice infer`: which of the formats sluice parses fits a column's values.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace sluice {

/// A timestamp format that fits a column, and how many of its values it parsed.
struct TimestampGuess {
  TimestampFormat format = TimestampFormat::iso8601;
  std::string pattern;  ///< for TimestampFormat::pattern
  bool zoned = true;    ///< false: the values carry no zone (the config states one)
  std::size_t matches = 0;
};

/// Date and time in one value: ISO-8601 (with or without a zone) or a pattern such as
/// "%d/%m/%Y %H:%M:%S". The format parsing the most values, if it parses at least `needed`;
/// day-first wins a tie with month-first (both parse every date up to the 12th).
std::optional<TimestampGuess> guess_datetime(const std::vector<std::string_view>& values, std::size_t needed);

/// A date alone ("10/03/2004", "2004-03-10"): its pattern, if one parses at least `needed` values.
std::optional<TimestampGuess> guess_date(const std::vector<std::string_view>& values, std::size_t needed);

/// A time of day alone ("18.00.00", "18:00"): its pattern, if one parses at least `needed` values.
std::optional<TimestampGuess> guess_time(const std::vector<std::string_view>& values, std::size_t needed);

/// Numbers that may be epoch seconds or milliseconds, and how much they behave like time.
struct EpochGuess {
  TimestampFormat format = TimestampFormat::epoch_seconds;
  /// Share of consecutive values that step forward (or stay) by a small step, at most 4x the average step
  /// over the sample's span: near 1 for a log, interleaved sensors included; near 0 for phone numbers or ids.
  double ordered_share = 0;
};

/// Epoch seconds or milliseconds by magnitude: numbers (in sample order) between the years 2000 and 2100
/// in seconds (or in milliseconds). At least `needed` of the numbers must fit. Magnitude alone is weak
/// evidence (a 10-digit phone number fits): see epoch_plausible.
std::optional<EpochGuess> guess_epoch(const std::vector<double>& numbers, std::size_t needed);

/// Share of consecutive numbers that step forward by at most 4x the average step (see EpochGuess).
double ordered_share(const std::vector<double>& numbers);

}  // namespace sluice
