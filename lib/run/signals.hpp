#pragma once
// SIGINT/SIGTERM handling without a global: the signals are blocked in every thread and one watcher
// thread waits for them (through a signalfd, so it wakes at once for a signal or for its own end).
// First signal: stop taking new files and drain. Second: exit 130 at once (PostgreSQL rolls back the
// open transactions when the connections drop).
#include <thread>

#include "core/logger.hpp"
#include "core/stop_signal.hpp"

namespace sluice {

/// Blocks SIGINT and SIGTERM in the calling thread and in threads it starts later. Call first in main().
void block_stop_signals();

class SignalWatcher {
 public:
  SignalWatcher(StopSignal& stop, Logger& logger);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  int signal_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
};

}  // namespace sluice
