#include "core/retry.hpp"

#include <algorithm>
#include <cmath>

namespace sluice {

double backoff_seconds(const RetryPolicy& policy, int attempt, std::mt19937_64& random) {
  const double ceiling = std::min(policy.max_seconds, policy.base_seconds * std::pow(2.0, attempt - 1));
  return std::uniform_real_distribution<double>(ceiling / 2, ceiling)(random);
}

}  // namespace sluice
