#include "run/signals.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <ctime>

namespace sluice {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void block_stop_signals() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

SignalWatcher::SignalWatcher(StopSignal& stop, Logger& logger) {
  thread_ = std::thread([this, &stop, &logger] {
    const sigset_t set = stop_signals();
    const timespec tick{0, 200'000'000};
    int received = 0;
    while (!done_) {
      const int signal = sigtimedwait(&set, nullptr, &tick);
      if (signal <= 0) continue;
      if (++received == 1) {
        logger.warn(fmt::format("{}: finishing the files in flight, then stopping (send it again to abort now)",
                                strsignal(signal)));
        stop.request();
      } else {
        static constexpr char kMessage[] = "sluice: aborted by a second signal; open transactions roll back\n";
        (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
        ::_exit(130);
      }
    }
  });
}

SignalWatcher::~SignalWatcher() {
  done_ = true;
  thread_.join();
}

}  // namespace sluice
