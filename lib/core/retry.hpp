#pragma once
// Exponential backoff with full jitter for transient faults (PostgreSQL restarts, S3 503s).
#include <chrono>
#include <exception>
#include <functional>
#include <random>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "core/errors.hpp"
#include "core/logger.hpp"
#include "core/stop_signal.hpp"

namespace sluice {

struct RetryPolicy {
  int retries = 8;             ///< attempts after the first
  double base_seconds = 0.25;  ///< first delay ceiling; doubles each attempt
  double max_seconds = 20.0;   ///< delay ceiling
};

/// Delay before attempt `attempt` (1-based): uniform in [ceiling/2, ceiling], ceiling = base * 2^(attempt-1).
double backoff_seconds(const RetryPolicy& policy, int attempt, std::mt19937_64& random);

/// Runs `action` until it succeeds. An exception `is_transient` accepts is retried after a backoff
/// (`before_retry` runs first, e.g. to drop a broken connection); after policy.retries it becomes a
/// FatalError naming `what`. Other exceptions pass through. `on_retry` counts retries for metrics.
template <typename Action>
auto with_retries(const RetryPolicy& policy, std::string_view what, Logger& logger,
                  const std::function<bool(const std::exception&)>& is_transient, Action&& action,
                  const std::function<void()>& before_retry = {}, const std::function<void()>& on_retry = {}) {
  std::mt19937_64 random(std::random_device{}());
  for (int attempt = 1;; ++attempt) {
    try {
      return action();
    } catch (const std::exception& error) {
      if (!is_transient(error)) throw;
      if (attempt > policy.retries)
        throw FatalError(fmt::format("{}: giving up after {} retries: {}", what, policy.retries, error.what()));
      const double delay = backoff_seconds(policy, attempt, random);
      logger.warn(fmt::format("{}: {} (retry {}/{} in {:.2f}s)", what, error.what(), attempt, policy.retries, delay));
      if (before_retry) before_retry();
      if (on_retry) on_retry();
      std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    }
  }
}

}  // namespace sluice
