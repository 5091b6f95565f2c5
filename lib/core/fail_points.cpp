#include "core/fail_points.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>

#include "core/errors.hpp"

namespace sluice {

FailPoints::FailPoints(std::string_view armed) {
  while (!armed.empty()) {
    const auto comma = armed.find(',');
    std::string_view name = armed.substr(0, comma);
    armed = comma == std::string_view::npos ? std::string_view() : armed.substr(comma + 1);
    if (name.empty()) continue;
    if (name != kFailAfterCommitBeforeDispose && name != kFailAfterCommitBeforeOffsets && name != kFailMidStream &&
        name != kPauseAfterFirstCommit)
      throw UsageError(fmt::format("SLUICE_FAIL_POINTS: unknown fail point \"{}\"; known: {}, {}, {}, {}", name,
                                   kFailAfterCommitBeforeDispose, kFailAfterCommitBeforeOffsets, kFailMidStream,
                                   kPauseAfterFirstCommit));
    armed_.emplace_back(name);
  }
}

FailPoints FailPoints::from_environment() {
  const char* armed = std::getenv("SLUICE_FAIL_POINTS");
  return armed ? FailPoints(armed) : FailPoints();
}

bool FailPoints::armed(std::string_view name) const {
  return std::find(armed_.begin(), armed_.end(), name) != armed_.end();
}

void FailPoints::hit(std::string_view name) const {
  if (!armed(name)) return;
  const std::string line = fmt::format("sluice: fail point {}: exiting now, as a kill -9 would\n", name);
  (void)!::write(STDERR_FILENO, line.data(), line.size());
  ::_exit(137);
}

void FailPoints::pause(std::string_view name) const {
  if (!armed(name)) return;
  const std::string line = fmt::format("sluice: fail point {}: stopping until continued (SIGCONT)\n", name);
  (void)!::write(STDERR_FILENO, line.data(), line.size());
  ::raise(SIGSTOP);
}

}  // namespace sluice
