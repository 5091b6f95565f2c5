#pragma once
// Watch mode: wait for new files in local folders (inotify where it works, polling otherwise).
#include <string>
#include <vector>

#include "core/stop_signal.hpp"

namespace sluice {

class FolderWatch {
 public:
  /// Watches the folders among `roots` (and their subfolders at the time of the call) with inotify.
  explicit FolderWatch(const std::vector<std::string>& roots);
  ~FolderWatch();
  FolderWatch(const FolderWatch&) = delete;
  FolderWatch& operator=(const FolderWatch&) = delete;

  /// Returns after `seconds`, earlier when a file is written or moved into a watched folder (then
  /// after `settle_seconds` more, so a file being written can finish), or when a stop is requested.
  void wait(double seconds, double settle_seconds, const StopSignal& stop);

 private:
  int inotify_fd_ = -1;
};

}  // namespace sluice
