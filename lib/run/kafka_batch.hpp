#pragma once
// The messages a consumer polled since its last commit, and how they are loaded and committed: every file
// of the batch goes through the pipeline, and only then are the batch's offsets committed.
#include <chrono>
#include <vector>

#include "core/file_ref.hpp"
#include "run/run_session.hpp"
#include "source/kafka_consumer.hpp"
#include "source/local_roots.hpp"

namespace sluice {

/// The uri under which an unusable message is recorded as a failed file.
std::string poison_uri(const std::string& topic, std::int32_t partition, std::int64_t offset);

class KafkaBatch {
 public:
  using Clock = std::chrono::steady_clock;

  KafkaBatch(const ConsumeOptions& options, RunContext& context, Fetcher& fetcher, KafkaConsumer& consumer);

  [[nodiscard]] bool empty() const { return positions_.empty(); }
  [[nodiscard]] bool full() const;
  [[nodiscard]] Clock::time_point deadline() const;

  void add(const KafkaMessage& message);
  /// Loads every file of the batch, then commits its offsets. An exception (FatalError) leaves the offsets
  /// uncommitted and the batch broken: it is not tried again.
  void flush();

 private:
  /// Whether an announced file may be loaded: its name matches --include, its bucket is allowed, a local path
  /// lies under a --local-root. Returns the file to load (local ones re-stat'ed), or nothing: ignored (not data)
  /// or refused (`refusal` set).
  std::optional<FileRef> admit(const FileRef& file, std::string& refusal, bool& ignored) const;
  /// One entry per uri, the newest announcement (by event sequencer, else the last); local files looked at
  /// again now, so a file that changed since its announcement loads as it is.
  std::vector<FileRef> newest_per_uri();
  /// Bare s3:// announcements (no ETag) get the size and ETag there are now from a HEAD, so the planner skips an
  /// object the ledger holds as loaded without reading it.
  void identify_bare_objects(std::vector<FileRef>& files);

  const ConsumeOptions& options_;
  RunContext& context_;
  Fetcher& fetcher_;
  KafkaConsumer& consumer_;
  LocalRoots roots_;
  std::vector<std::string> include_;
  std::vector<FileRef> files_;
  std::vector<KafkaPosition> positions_;
  Clock::time_point opened_;
  bool broken_ = false;
};

}  // namespace sluice
