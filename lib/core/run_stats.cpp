#include "core/run_stats.hpp"

namespace sluice {

void RunStats::add_rejects(const std::map<std::string, std::int64_t>& by_reason) {
  std::lock_guard lock(mutex_);
  for (const auto& [reason, count] : by_reason) reject_reasons_[reason] += count;
}

void RunStats::add_failure(std::string uri, std::string reason) {
  std::lock_guard lock(mutex_);
  if (failures_.size() < kMaxFailuresKept) failures_.push_back({std::move(uri), std::move(reason)});
}

void RunStats::add_given_up(std::string uri, std::string last_error) {
  std::lock_guard lock(mutex_);
  if (given_up_.size() < kMaxFailuresKept) given_up_.push_back({std::move(uri), std::move(last_error)});
}

std::vector<FailedFile> RunStats::given_up() const {
  std::lock_guard lock(mutex_);
  return given_up_;
}

std::map<std::string, std::int64_t> RunStats::reject_reasons() const {
  std::lock_guard lock(mutex_);
  return reject_reasons_;
}

std::vector<FailedFile> RunStats::failures() const {
  std::lock_guard lock(mutex_);
  return failures_;
}

double RunStats::elapsed_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

}  // namespace sluice
