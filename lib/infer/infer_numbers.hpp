#pragma once
// Robust statistics for `sluice infer`: "no reading" sentinels and suggested ranges of numeric columns.
#include <optional>
#include <vector>

namespace sluice {

/// The q-quantile (0..1) of sorted values, interpolated linearly; 0 for no values.
double quantile(const std::vector<double>& sorted, double q);

/// Values that stand for "no reading" (like -200 in the UCI air-quality data): each repeats (at least
/// 3 times and 0.1% of the values) and lies far outside the other values — more than their p1..p99
/// spread beyond it, or negative in a column that is otherwise never negative. At most 3, most frequent first.
std::vector<double> find_sentinels(const std::vector<double>& values);

/// A suggested inclusive range: [p1 - 0.25 (p99 - p1), p99 + 0.25 (p99 - p1)], rounded outwards to two
/// significant digits of the spread (integers for int columns); a negative minimum becomes 0 when no value
/// in the range is negative. No range when the values do not vary.
struct SuggestedRange {
  std::optional<double> min, max;
};
SuggestedRange suggest_range(std::vector<double> values, bool integral);

}  // namespace sluice
