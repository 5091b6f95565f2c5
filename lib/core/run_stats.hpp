#pragma once
// Counters of one run, updated by every stage and read by progress, summary and metrics.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace sluice {

struct FailedFile {
  std::string uri;
  std::string reason;
};

/// What a Kafka consumer saw, beyond the files (`sluice consume` only).
struct ConsumerStats {
  std::atomic<bool> active{false};
  std::atomic<std::int64_t> messages{0};
  std::atomic<std::int64_t> files{0};       ///< files announced (a file announced twice counts twice)
  std::atomic<std::int64_t> ignored{0};     ///< records that are not loads (ObjectRemoved:*, s3:TestEvent)
  std::atomic<std::int64_t> poison{0};      ///< unusable messages: failed ledger rows kafka://topic/partition/offset
  std::atomic<std::int64_t> duplicates{0};  ///< announcements of a file announced again later in its batch
  std::atomic<std::int64_t> stale{0};       ///< announcements older (by event sequencer) than the ledger's: skipped
  std::atomic<std::int64_t> identified{0};  ///< bare s3:// announcements whose version a HEAD told before planning
  std::atomic<std::int64_t> batches{0};     ///< batches loaded and committed
  std::atomic<std::int64_t> commits_failed{0};  ///< batches whose offsets could not all be committed
  std::atomic<std::int64_t> batches_over_reject_ratio{0};
  std::atomic<std::int64_t> last_commit_unix{0};  ///< when offsets were last committed (Unix seconds); 0: never
};

class RunStats {
 public:
  std::atomic<std::int64_t> files_listed{0};   ///< after the shard filter
  std::atomic<std::int64_t> files_skipped{0};  ///< already in the ledger
  std::atomic<std::int64_t> files_loaded{0};
  std::atomic<std::int64_t> files_replaced{0};  ///< loaded over an earlier version
  std::atomic<std::int64_t> files_failed{0};
  std::atomic<std::int64_t> files_given_up{0};  ///< skipped: failed --max-attempts times (`sluice retry` resets)
  std::atomic<std::int64_t> files_linked{0};    ///< skipped: the same file as another listed name (a link)
  std::atomic<std::int64_t> rows_loaded{0};
  std::atomic<std::int64_t> rows_rejected{0};
  std::atomic<std::int64_t> bytes_listed{0};
  std::atomic<std::int64_t> bytes_read{0};    ///< as stored (compressed)
  std::atomic<std::int64_t> bytes_parsed{0};  ///< decompressed
  std::atomic<std::int64_t> bytes_done{0};    ///< listed bytes of files finished (loaded, failed, skipped)
  std::atomic<std::int64_t> batches{0};
  std::atomic<std::int64_t> units_committed{0};
  std::atomic<std::int64_t> retries{0};
  std::atomic<std::int64_t> listing_done{0};                                   ///< 1 once the sources are exhausted
  std::atomic<std::int64_t> fetch_micros{0}, parse_micros{0}, load_micros{0};  ///< summed over threads
  ConsumerStats consumer;

  void add_rejects(const std::map<std::string, std::int64_t>& by_reason);
  void add_failure(std::string uri, std::string reason);
  void add_given_up(std::string uri, std::string last_error);
  [[nodiscard]] std::map<std::string, std::int64_t> reject_reasons() const;
  [[nodiscard]] std::vector<FailedFile> failures() const;  ///< the first kMaxFailuresKept
  [[nodiscard]] std::vector<FailedFile> given_up() const;  ///< the first kMaxFailuresKept
  [[nodiscard]] double elapsed_seconds() const;

  static constexpr std::size_t kMaxFailuresKept = 1000;
  const std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t> reject_reasons_;
  std::vector<FailedFile> failures_;
  std::vector<FailedFile> given_up_;
};

}  // namespace sluice
