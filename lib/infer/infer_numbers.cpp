#include "infer/infer_numbers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace sluice {
namespace {

constexpr std::size_t kMaxSentinels = 3;
constexpr std::size_t kMinSentinelRepeats = 3;
constexpr double kSentinelGapShare = 0.10;  // of the other values' range
constexpr double kFenceShare = 0.25;        // of the p1..p99 spread, beyond p1 and p99
constexpr std::size_t kOutlierExamples = 3;

// Rounds `value` down (or up) to a multiple of 10^-decimals, keeping decimal values exact when printed.
double round_to(double value, int decimals, bool up) {
  if (decimals > 0) {
    const double scale = std::pow(10.0, decimals);
    const double scaled = up ? std::ceil(value * scale - 1e-9) : std::floor(value * scale + 1e-9);
    return scaled / scale;
  }
  const double step = std::pow(10.0, -decimals);
  return (up ? std::ceil(value / step - 1e-9) : std::floor(value / step + 1e-9)) * step;
}

// -9999, 999, -99.99, 9.99, -0.99: only nines (at least two), the way data sets spell "no data".
bool classic_no_data(double value) {
  for (int decimals = 0; decimals <= 3; ++decimals) {
    const double scaled = std::fabs(value) * std::pow(10.0, decimals);
    const double whole = std::round(scaled);
    if (std::fabs(scaled - whole) > 1e-6 * std::max(1.0, whole)) continue;
    const std::string digits = fmt::format("{:.0f}", whole);
    return digits.size() >= 2 && digits.find_first_not_of('9') == std::string::npos;
  }
  return false;
}

// Why `candidate` is a sentinel among the sorted other values; empty when it is not one.
std::string sentinel_reason(double candidate, const std::vector<double>& others) {
  if (others.size() < 2) return {};
  const double lowest = others.front(), highest = others.back();
  if (candidate > lowest && candidate < highest) return {};
  const std::string seen = fmt::format("the other values lie in {}..{}", lowest, highest);
  const double p1 = quantile(others, 0.01), p99 = quantile(others, 0.99);
  const double spread = std::max(p99 - p1, 1e-12);
  if (candidate < p1 - spread || candidate > p99 + spread)
    return fmt::format("far outside the other values ({}, p1..p99 {:.4g}..{:.4g})", seen, p1, p99);
  const double gap = candidate < lowest ? lowest - candidate : candidate - highest;
  if (gap < kSentinelGapShare * (highest - lowest)) return {};
  if (classic_no_data(candidate)) return fmt::format("a usual no-data value, apart from the others ({})", seen);
  if (candidate < 0 && lowest >= 0) return fmt::format("negative, apart from never-negative others ({})", seen);
  return {};
}

}  // namespace

double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double weight = position - static_cast<double>(below);
  return sorted[below] + weight * (sorted[above] - sorted[below]);
}

std::vector<Sentinel> find_sentinels(const std::vector<double>& values) {
  std::map<double, std::size_t> counts;
  for (double value : values) ++counts[value];
  const std::size_t needed = std::max(kMinSentinelRepeats, values.size() / 1000);
  std::vector<std::pair<std::size_t, double>> repeated;
  for (const auto& [value, count] : counts)
    if (count >= needed) repeated.emplace_back(count, value);
  std::stable_sort(repeated.begin(), repeated.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<Sentinel> sentinels;
  auto taken = [&](double value) {
    return std::any_of(sentinels.begin(), sentinels.end(), [&](const Sentinel& s) { return s.value == value; });
  };
  for (const auto& [count, candidate] : repeated) {
    if (sentinels.size() == kMaxSentinels) break;
    std::vector<double> others;
    others.reserve(values.size());
    for (double value : values)
      if (value != candidate && !taken(value)) others.push_back(value);
    std::sort(others.begin(), others.end());
    std::string reason = sentinel_reason(candidate, others);
    if (!reason.empty()) sentinels.push_back({candidate, count, std::move(reason)});
  }
  return sentinels;
}

SuggestedRange suggest_range(std::vector<double> values, bool integral) {
  if (values.size() < 2) return {};
  const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
  const double spread = *highest - *lowest;
  if (!(spread > 0)) return {};
  int decimals = 1 - static_cast<int>(std::floor(std::log10(spread)));
  if (integral) decimals = std::min(decimals, 0);
  double low = round_to(*lowest - spread, decimals, false);
  const double high = round_to(*highest + spread, decimals, true);
  // A never-negative quantity (a concentration, a rain amount) keeps 0 as its floor.
  if (low < 0 && *lowest >= 0) low = 0;
  return {low, high};
}

Outliers find_outliers(std::vector<double> values) {
  Outliers outliers;
  if (values.size() < 2) return outliers;
  std::sort(values.begin(), values.end());
  const double p1 = quantile(values, 0.01), p99 = quantile(values, 0.99);
  outliers.fence_low = p1 - kFenceShare * (p99 - p1);
  outliers.fence_high = p99 + kFenceShare * (p99 - p1);
  std::vector<std::pair<double, double>> beyond;  // (distance from the fence, value)
  for (double value : values) {
    if (value < outliers.fence_low) beyond.emplace_back(outliers.fence_low - value, value);
    if (value > outliers.fence_high) beyond.emplace_back(value - outliers.fence_high, value);
  }
  outliers.count = beyond.size();
  std::stable_sort(beyond.begin(), beyond.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [distance, value] : beyond) {
    if (outliers.examples.size() == kOutlierExamples) break;
    if (std::find(outliers.examples.begin(), outliers.examples.end(), value) == outliers.examples.end())
      outliers.examples.push_back(value);
  }
  return outliers;
}

}  // namespace sluice
