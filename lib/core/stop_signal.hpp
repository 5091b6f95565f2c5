#pragma once
// A request to stop, shared by the signal watcher and the stages that must drain.
#include <atomic>

namespace sluice {

/// Set once when the run must stop taking new work (SIGINT/SIGTERM, or a fatal error).
class StopSignal {
 public:
  void request() noexcept { requested_.store(true, std::memory_order_relaxed); }
  [[nodiscard]] bool requested() const noexcept { return requested_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> requested_{false};
};

}  // namespace sluice
