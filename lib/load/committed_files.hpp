#pragma once
// The ledger rows a run's loads committed without waiting for their WAL to reach disk (synchronous_commit off):
// what a PostgreSQL crash during the run may have taken back. PgTarget checks them once at the end of the run,
// after a commit that does wait (and so makes every earlier one durable), but only if the server restarted.
#include <algorithm>
#include <cstdint>
#include <mutex>
#include <vector>

namespace sluice {

class CommittedFiles {
 public:
  /// After a load transaction committed: the file ids of the ledger rows it wrote or updated.
  void add(const std::vector<std::int64_t>& file_ids) {
    std::lock_guard lock(mutex_);
    ids_.insert(ids_.end(), file_ids.begin(), file_ids.end());
  }
  /// Every file id added, each once, in order.
  std::vector<std::int64_t> distinct() {
    std::lock_guard lock(mutex_);
    std::sort(ids_.begin(), ids_.end());
    ids_.erase(std::unique(ids_.begin(), ids_.end()), ids_.end());
    return ids_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::int64_t> ids_;
};

}  // namespace sluice
