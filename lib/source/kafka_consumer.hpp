#pragma once
// A Kafka consumer-group member for `sluice consume` (librdkafka's C API). Offsets are never committed
// by librdkafka on its own: the caller commits a batch's offsets once the batch's files are committed in
// PostgreSQL (at-least-once delivery; the ledger turns a redelivered file into a skip).
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/logger.hpp"

struct rd_kafka_s;
struct rd_kafka_topic_partition_list_s;
struct rd_kafka_queue_s;

namespace sluice {

/// Where one message sits.
struct KafkaPosition {
  std::string topic;
  std::int32_t partition = 0;
  std::int64_t offset = 0;
};

struct KafkaMessage {
  KafkaPosition position;
  std::string payload;
};

struct KafkaConsumerOptions {
  std::string brokers;
  std::string topic;
  std::string group;
  /// More librdkafka settings (security.protocol, session.timeout.ms, ...); the commit settings are fixed.
  std::vector<std::pair<std::string, std::string>> properties;
};

class KafkaConsumer {
 public:
  /// Called during a rebalance, before partitions are given up, on the thread that called poll():
  /// finish and commit what was polled. `lost`: the partitions are already gone and commits will fail.
  using RevokeHandler = std::function<void(bool lost)>;

  /// Creates the consumer and subscribes to the topic; UsageError for a setting librdkafka refuses.
  KafkaConsumer(const KafkaConsumerOptions& options, Logger& logger);
  /// Leaves the group if close() was not called (without calling the revoke handler).
  ~KafkaConsumer();
  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  void on_revoke(RevokeHandler handler) { on_revoke_ = std::move(handler); }

  /// The next message, or nothing after `timeout`. Rebalances happen in here; an exception thrown by
  /// the revoke handler is rethrown here. FatalError when the client hits a fatal error, or when no broker has
  /// been reachable for longer than session.timeout.ms (the group has given this member's partitions to
  /// others by then; its uncommitted messages will be delivered again). The first time a
  /// partition is read to its end after being assigned, "kafka: T[p] caught up at offset N" is logged: every
  /// message before N has been returned by then.
  std::optional<KafkaMessage> poll(std::chrono::milliseconds timeout);

  /// Stores and synchronously commits the offsets after `positions` (the highest per partition), together
  /// with any deferred ones (below). Returns false (logged) when some could not be committed now. A commit
  /// the coordinator refuses because the group is rebalancing (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION,
  /// UNKNOWN_MEMBER_ID) is deferred, for the partitions this member still holds: tried again when the
  /// rebalance is over (the assignment callback that ends it), with the next commit, and before partitions
  /// are given up (close() too). A partition revoked or lost first, or any other failure: its messages will be
  /// delivered again (to this member or another; the ledger skips the files already loaded).
  /// A commit without an answer within session.timeout.ms throws FatalError: the cluster is unreachable.
  bool commit(const std::vector<KafkaPosition>& positions);

  /// Leaves the group (the revoke handler runs a last time), waiting at most session.timeout.ms: with the
  /// cluster gone, it gives up leaving (the coordinator drops the member when its session ends). Idempotent.
  void close();

  /// Whether there is nothing to read: every partition held was read to its end since it was assigned (and
  /// nothing came since), and this member holds some partition or the group's last rebalance is over.
  [[nodiscard]] bool idle() const;

  /// Partition assignments received so far.
  [[nodiscard]] std::int64_t assignments() const { return assignments_; }

 private:
  using PartitionKey = std::pair<std::string, std::int32_t>;
  using Offsets = std::map<PartitionKey, std::int64_t>;  ///< the next offset to consume, per partition
  enum class CommitOutcome { committed, deferred, failed };
  using Clock = std::chrono::steady_clock;
  /// One commit's answer, filled by librdkafka's callback. Kept alive with the consumer when the wait for it
  /// gave up, so a late answer has somewhere to go.
  struct CommitAnswer {
    bool done = false;
    int error = 0;
    std::map<PartitionKey, int> partitions;
  };

  /// One synchronous commit of `offsets` (of partitions still held); updates deferred_ and logs refusals.
  std::map<PartitionKey, CommitOutcome> commit_offsets(const Offsets& offsets);
  /// Commits deferred_ again (`when`: the reason, for the log).
  void retry_deferred(const char* when);
  /// Gives up the deferred offsets of `partitions` (all of them for nullptr), which this member no longer holds.
  void forget_deferred(const rd_kafka_topic_partition_list_s* partitions, bool lost);
  void forget_caught_up(const rd_kafka_topic_partition_list_s* partitions);
  void rebalance(int error, rd_kafka_topic_partition_list_s* partitions);
  void rethrow_callback_error();
  /// Sends one commit and serves its answer, waiting at most session.timeout.ms (FatalError after).
  CommitAnswer commit_and_wait(const rd_kafka_topic_partition_list_s* offsets);
  void on_client_error(int error, const char* reason);
  /// FatalError when no broker has answered for longer than session.timeout.ms (and still does not).
  void check_brokers();
  void log_holding();  ///< the whole assignment after a rebalance (cooperative ones change it piecemeal)

  Logger& logger_;
  rd_kafka_s* handle_ = nullptr;
  bool closed_ = false;
  RevokeHandler on_revoke_;
  std::exception_ptr callback_error_;
  std::int64_t assignments_ = 0;
  Offsets deferred_;                    ///< offsets refused during a rebalance, committed once it is over
  std::uint64_t commit_requests_ = 0;   ///< commits sent so far (tells whether a revoke handler committed)
  bool assign_follows_revoke_ = false;  ///< a cooperative revoke was served: librdkafka's next assign is its own
  std::set<PartitionKey> caught_up_;    ///< partitions read to their end since they were assigned
  std::set<PartitionKey> held_;         ///< the assignment
  std::set<PartitionKey> at_end_;       ///< held partitions read to their end, nothing received since
  bool settled_ = false;                ///< the last rebalance round is over
  std::chrono::milliseconds patience_{45'000};             ///< session.timeout.ms: the bound of commits, close, outages
  std::optional<Clock::time_point> brokers_down_since_;    ///< librdkafka reported every broker down
  std::vector<std::unique_ptr<CommitAnswer>> unanswered_;  ///< commits whose wait gave up
};

}  // namespace sluice
