#pragma once
// Robust statistics for `sluice infer`: "no reading" sentinels, suggested ranges and outliers of numeric columns.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

/// The q-quantile (0..1) of sorted values, interpolated linearly; 0 for no values.
double quantile(const std::vector<double>& sorted, double q);

/// A value taken as "no reading" (like -200 in the UCI air-quality data, -99.99 in the Mauna Loa CO2
/// series), how often it occurs and why it was taken (a sentence for the user).
struct Sentinel {
  double value = 0;
  std::size_t count = 0;
  std::string reason;
};

/// Sentinels need strong evidence, because a real reading taken for one silently becomes NULL: a value
/// that repeats (at least 3 times and 0.1% of the values), lies beyond every other value (below their
/// minimum or above their maximum), and either is far from them (more than their p1..p99 spread beyond
/// p1 or p99), or stands apart (a gap of at least 10% of the others' range) and is a classic no-data
/// value (only nines, like -9999, 999.9, -99.99) or negative in an otherwise never-negative column.
/// A repeated real extreme (humidity 100, precipitation 0) is next to the other values: a value.
/// At most 3, most frequent first.
std::vector<Sentinel> find_sentinels(const std::vector<double>& values);

/// A suggested inclusive range that holds every sampled value: [min - (max - min), max + (max - min)],
/// rounded outwards to two significant digits of max - min (integers for int columns); a negative minimum
/// becomes 0 when no value is negative. No range when the values do not vary.
struct SuggestedRange {
  std::optional<double> min, max;
};
SuggestedRange suggest_range(std::vector<double> values, bool integral);

/// Values beyond the robust fences [p1 - 0.25 (p99 - p1), p99 + 0.25 (p99 - p1)]: heavy-rain days, gusts,
/// typos. Reported to the user, never enforced (the suggested range holds them).
struct Outliers {
  std::size_t count = 0;
  double fence_low = 0, fence_high = 0;
  std::vector<double> examples;  ///< up to 3, farthest from the fences first
};
Outliers find_outliers(std::vector<double> values);

}  // namespace sluice
