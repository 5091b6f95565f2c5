#include "infer/infer_numbers.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace sluice {
namespace {

constexpr std::size_t kMaxSentinels = 3;
constexpr std::size_t kMinSentinelRepeats = 3;

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

bool is_sentinel(double candidate, const std::vector<double>& others_sorted) {
  if (others_sorted.size() < 2) return false;
  const double p1 = quantile(others_sorted, 0.01), p99 = quantile(others_sorted, 0.99);
  const double spread = std::max(p99 - p1, 1e-12);
  if (candidate < p1 - spread || candidate > p99 + spread) return true;
  return candidate < 0 && others_sorted.front() >= 0;
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

std::vector<double> find_sentinels(const std::vector<double>& values) {
  std::map<double, std::size_t> counts;
  for (double value : values) ++counts[value];
  const std::size_t needed = std::max(kMinSentinelRepeats, values.size() / 1000);
  std::vector<std::pair<std::size_t, double>> repeated;
  for (const auto& [value, count] : counts)
    if (count >= needed) repeated.emplace_back(count, value);
  std::sort(repeated.begin(), repeated.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<double> sentinels;
  for (const auto& [count, candidate] : repeated) {
    if (sentinels.size() == kMaxSentinels) break;
    std::vector<double> others;
    others.reserve(values.size());
    for (double value : values)
      if (value != candidate && std::find(sentinels.begin(), sentinels.end(), value) == sentinels.end())
        others.push_back(value);
    std::sort(others.begin(), others.end());
    if (is_sentinel(candidate, others)) sentinels.push_back(candidate);
  }
  return sentinels;
}

SuggestedRange suggest_range(std::vector<double> values, bool integral) {
  if (values.size() < 2) return {};
  std::sort(values.begin(), values.end());
  const double p1 = quantile(values, 0.01), p99 = quantile(values, 0.99);
  const double spread = p99 - p1;
  if (!(spread > 0)) return {};
  int decimals = 1 - static_cast<int>(std::floor(std::log10(spread)));
  if (integral) decimals = std::min(decimals, 0);
  double low = round_to(p1 - 0.25 * spread, decimals, false);
  const double high = round_to(p99 + 0.25 * spread, decimals, true);
  // A never-negative quantity (a concentration, a humidity) keeps 0 as its floor.
  if (low < 0 && *std::lower_bound(values.begin(), values.end(), low) >= 0) low = 0;
  return {low, high};
}

}  // namespace sluice
