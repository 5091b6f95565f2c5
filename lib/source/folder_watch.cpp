#include "source/folder_watch.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace sluice {

FolderWatch::FolderWatch(const std::vector<std::string>& roots) {
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_fd_ < 0) return;  // polling only
  constexpr std::uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE;
  for (const std::string& root : roots) {
    std::error_code error;
    if (!std::filesystem::is_directory(root, error)) continue;
    ::inotify_add_watch(inotify_fd_, root.c_str(), kEvents);
    for (auto it = std::filesystem::recursive_directory_iterator(root, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error))
      if (it->is_directory(error)) ::inotify_add_watch(inotify_fd_, it->path().c_str(), kEvents);
  }
}

FolderWatch::~FolderWatch() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

void FolderWatch::wait(double seconds, double settle_seconds, const StopSignal& stop) {
  using Clock = std::chrono::steady_clock;
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  bool woken = false;
  while (!stop.requested() && Clock::now() < deadline) {
    pollfd descriptor{inotify_fd_, POLLIN, 0};
    const int ready = inotify_fd_ >= 0 ? ::poll(&descriptor, 1, 200) : (::usleep(200'000), 0);
    if (ready > 0) {
      char events[4096];
      while (::read(inotify_fd_, events, sizeof events) > 0) {
      }
      if (!woken) {  // give a file that is still being written time to settle
        woken = true;
        deadline = std::min(deadline, Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                         std::chrono::duration<double>(settle_seconds + 0.2)));
      }
    }
  }
}

}  // namespace sluice
