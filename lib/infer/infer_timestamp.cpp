#include "infer/infer_timestamp.hpp"

#include <algorithm>
#include <array>

#include "value/timestamp.hpp"

namespace sluice {
namespace {

// Day-first before month-first: a tie goes to the first (see guess_datetime).
constexpr std::array kDatePatterns{"%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d"};
constexpr std::array kTimePatterns{"%H:%M:%S", "%H:%M:%S.%f", "%H.%M.%S", "%H:%M", "%H.%M"};

constexpr double kEpochSecondsLow = 946'684'800.0;     // 2000-01-01
constexpr double kEpochSecondsHigh = 4'102'444'800.0;  // 2100-01-01

std::size_t count_pattern(const std::vector<std::string_view>& values, std::string_view pattern) {
  std::size_t matches = 0;
  std::int64_t micros = 0;
  for (std::string_view value : values) matches += parse_pattern(value, pattern, 0, micros) ? 1 : 0;
  return matches;
}

// The pattern with the most matches among `patterns` (the first on a tie).
std::optional<TimestampGuess> best_pattern(const std::vector<std::string_view>& values,
                                           const std::vector<std::string>& patterns, std::size_t needed) {
  std::optional<TimestampGuess> best;
  for (const std::string& pattern : patterns) {
    const std::size_t matches = count_pattern(values, pattern);
    if (matches >= needed && matches > 0 && (!best || matches > best->matches))
      best = TimestampGuess{TimestampFormat::pattern, pattern, false, matches};
  }
  return best;
}

}  // namespace

std::optional<TimestampGuess> guess_datetime(const std::vector<std::string_view>& values, std::size_t needed) {
  std::size_t zoned = 0, naive = 0;
  std::int64_t micros = 0;
  for (std::string_view value : values) {
    if (parse_iso8601(value, micros))
      ++zoned;
    else if (parse_iso8601(value, 0, micros))
      ++naive;
  }
  if (zoned > 0 && zoned >= needed) return TimestampGuess{TimestampFormat::iso8601, {}, true, zoned};
  if (zoned + naive > 0 && zoned + naive >= needed)
    return TimestampGuess{TimestampFormat::iso8601, {}, false, zoned + naive};
  std::vector<std::string> patterns;
  for (const char* date : kDatePatterns)
    for (const char* time : kTimePatterns)
      for (const char* separator : {" ", "T"}) patterns.push_back(std::string(date) + separator + time);
  return best_pattern(values, patterns, needed);
}

std::optional<TimestampGuess> guess_date(const std::vector<std::string_view>& values, std::size_t needed) {
  return best_pattern(values, {kDatePatterns.begin(), kDatePatterns.end()}, needed);
}

std::optional<TimestampGuess> guess_time(const std::vector<std::string_view>& values, std::size_t needed) {
  return best_pattern(values, {kTimePatterns.begin(), kTimePatterns.end()}, needed);
}

double ordered_share(const std::vector<double>& numbers) {
  if (numbers.size() < 2) return 0;
  const auto [lowest, highest] = std::minmax_element(numbers.begin(), numbers.end());
  const double span = *highest - *lowest;
  if (!(span > 0)) return 0;
  const double small_step = 4 * span / static_cast<double>(numbers.size() - 1);
  std::size_t ordered = 0;
  for (std::size_t i = 1; i < numbers.size(); ++i) {
    const double step = numbers[i] - numbers[i - 1];
    ordered += step >= 0 && step <= small_step ? 1 : 0;
  }
  return static_cast<double>(ordered) / static_cast<double>(numbers.size() - 1);
}

std::optional<EpochGuess> guess_epoch(const std::vector<double>& numbers, std::size_t needed) {
  std::size_t seconds = 0, millis = 0;
  for (double number : numbers) {
    if (number >= kEpochSecondsLow && number < kEpochSecondsHigh) ++seconds;
    if (number >= kEpochSecondsLow * 1000 && number < kEpochSecondsHigh * 1000) ++millis;
  }
  if (seconds > 0 && seconds >= needed) return EpochGuess{TimestampFormat::epoch_seconds, ordered_share(numbers)};
  if (millis > 0 && millis >= needed) return EpochGuess{TimestampFormat::epoch_millis, ordered_share(numbers)};
  return std::nullopt;
}

}  // namespace sluice
