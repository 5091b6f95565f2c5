#include "run/signals.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace sluice {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

int checked_fd(int fd, const char* what) {
  if (fd < 0) throw std::runtime_error(fmt::format("cannot watch for stop signals: {}: {}", what, strerror(errno)));
  return fd;
}

}  // namespace

void block_stop_signals() {
  const sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

// The watcher sleeps in poll() on two descriptors: a signalfd for the stop signals and an eventfd the destructor
// writes to. A timed wait would make every run's exit wait for the next tick (up to the tick's length, which is
// most of a short run's wall time).
SignalWatcher::SignalWatcher(StopSignal& stop, Logger& logger) {
  const sigset_t set = stop_signals();
  signal_fd_ = checked_fd(::signalfd(-1, &set, SFD_CLOEXEC), "signalfd");
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    ::close(signal_fd_);
    checked_fd(wake_fd_, "eventfd");
  }
  thread_ = std::thread([this, &stop, &logger] {
    int received = 0;
    for (;;) {
      pollfd fds[2] = {{signal_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) continue;  // EINTR: the stop signals are blocked, others may still arrive
      if (fds[1].revents != 0) return;
      if (fds[0].revents == 0) continue;
      signalfd_siginfo info{};
      if (::read(signal_fd_, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
      const int signal = static_cast<int>(info.ssi_signo);
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
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
  ::close(signal_fd_);
}

}  // namespace sluice
