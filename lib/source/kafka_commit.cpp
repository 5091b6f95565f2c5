// KafkaConsumer's offset commits: bounded in time, refusals during a rebalance deferred (kafka_consumer.hpp).
#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include "core/errors.hpp"
#include "source/kafka_consumer.hpp"
#include "source/kafka_lists.hpp"

namespace sluice {
namespace {

using kafka_lists::describe;
using kafka_lists::new_list;
using kafka_lists::PartitionList;

/// Refusals that mean "not during this rebalance": the coordinator is rebalancing the group, or this
/// member's generation or member id went stale in a rebalance it has not finished yet.
bool refused_during_rebalance(rd_kafka_resp_err_t error) {
  return error == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || error == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
         error == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID;
}

}  // namespace

KafkaConsumer::CommitAnswer KafkaConsumer::commit_and_wait(const rd_kafka_topic_partition_list_t* offsets) {
  // rd_kafka_commit() waits for the coordinator without a bound (a dead cluster: until librdkafka gives up
  // on the request, far later). The commit goes out with a queue of its own, served here until the answer
  // or session.timeout.ms: by then this member is out of the group anyway.
  unanswered_.push_back(std::make_unique<CommitAnswer>());
  CommitAnswer* answer = unanswered_.back().get();
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle_);
  commit_requests_ += 1;
  const rd_kafka_resp_err_t sent = rd_kafka_commit_queue(
      handle_, offsets, queue,
      [](rd_kafka_t*, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* answered, void* opaque) {
        auto* out = static_cast<CommitAnswer*>(opaque);
        out->error = error;
        try {
          for (int i = 0; answered != nullptr && i < answered->cnt; ++i)
            out->partitions[{answered->elems[i].topic, answered->elems[i].partition}] = answered->elems[i].err;
        } catch (...) {  // a C callback must not throw; a partition without an answer takes the request's error
        }
        out->done = true;
      },
      answer);
  if (sent != RD_KAFKA_RESP_ERR_NO_ERROR) {
    answer->error = sent;
    answer->done = true;
  }
  const auto deadline = Clock::now() + patience_;
  while (!answer->done && Clock::now() < deadline) rd_kafka_queue_poll_callback(queue, 100);
  rd_kafka_queue_destroy(queue);
  if (!answer->done)
    throw FatalError(fmt::format(
        "kafka: committing offsets got no answer in {} s (session.timeout.ms): the cluster is gone or unreachable "
        "(check --brokers and the network). The batch's files are loaded; its messages will be delivered again and "
        "the ledger skips them",
        patience_.count() / 1000.0));
  if (answer->error == RD_KAFKA_RESP_ERR_NO_ERROR) brokers_down_since_.reset();  // the coordinator answered
  // Answered: the entry is not needed any more (the ones that gave up stay until the consumer goes).
  CommitAnswer out = std::move(*answer);
  unanswered_.pop_back();
  return out;
}

bool KafkaConsumer::commit(const std::vector<KafkaPosition>& positions) {
  Offsets batch;
  for (const KafkaPosition& position : positions) {
    std::int64_t& next = batch[{position.topic, position.partition}];
    next = std::max(next, position.offset + 1);
  }
  if (batch.empty()) return true;
  // Offsets deferred from an earlier refusal go along (a partition's newer offset supersedes its older one).
  Offsets offsets = batch;
  for (const auto& [partition, offset] : deferred_) {
    std::int64_t& next = offsets[partition];
    next = std::max(next, offset);
  }
  const std::map<PartitionKey, CommitOutcome> outcomes = commit_offsets(offsets);
  bool complete = true;
  for (const auto& [partition, offset] : batch) {
    const auto found = outcomes.find(partition);
    if (found == outcomes.end() || found->second != CommitOutcome::committed) complete = false;
  }
  return complete;
}

std::map<KafkaConsumer::PartitionKey, KafkaConsumer::CommitOutcome> KafkaConsumer::commit_offsets(
    const Offsets& offsets) {
  std::map<PartitionKey, CommitOutcome> outcomes;
  if (offsets.empty()) return outcomes;
  PartitionList stored = new_list(static_cast<int>(offsets.size()));
  for (const auto& [partition, offset] : offsets)
    rd_kafka_topic_partition_list_add(stored.get(), partition.first.c_str(), partition.second)->offset = offset;
  // Storing first checks that each partition is still ours (RD_KAFKA_RESP_ERR__STATE otherwise): an offset
  // committed for a partition another member now owns could move that member's position.
  rd_kafka_offsets_store(handle_, stored.get());
  PartitionList committing = new_list(stored->cnt);
  for (int i = 0; i < stored->cnt; ++i) {
    const rd_kafka_topic_partition_t& element = stored->elems[i];
    const PartitionKey key{element.topic, element.partition};
    if (element.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      logger_.warn(fmt::format("kafka: {}[{}] offset {} not committed ({}); its messages will be delivered again",
                               element.topic, element.partition, element.offset, rd_kafka_err2str(element.err)));
      outcomes[key] = CommitOutcome::failed;
      deferred_.erase(key);
      continue;
    }
    rd_kafka_topic_partition_list_add(committing.get(), element.topic, element.partition)->offset = element.offset;
  }
  if (committing->cnt == 0) return outcomes;

  const CommitAnswer answer = commit_and_wait(committing.get());
  const auto error = static_cast<rd_kafka_resp_err_t>(answer.error);

  // Per partition: its own error, else the request's (a request error may leave the partition errors unset).
  std::map<rd_kafka_resp_err_t, Offsets> deferred_by_error, failed_by_error;
  for (int i = 0; i < committing->cnt; ++i) {
    const rd_kafka_topic_partition_t& element = committing->elems[i];
    const PartitionKey key{element.topic, element.partition};
    const auto answered = answer.partitions.find(key);
    auto partition_error =
        answered == answer.partitions.end() ? error : static_cast<rd_kafka_resp_err_t>(answered->second);
    if (partition_error == RD_KAFKA_RESP_ERR_NO_ERROR) partition_error = error;
    if (partition_error == RD_KAFKA_RESP_ERR_NO_ERROR) {
      outcomes[key] = CommitOutcome::committed;
      const auto deferred = deferred_.find(key);
      if (deferred != deferred_.end() && deferred->second <= element.offset) deferred_.erase(deferred);
    } else if (refused_during_rebalance(partition_error)) {
      outcomes[key] = CommitOutcome::deferred;
      std::int64_t& next = deferred_[key];
      next = std::max(next, element.offset);
      deferred_by_error[partition_error][key] = element.offset;
    } else {
      outcomes[key] = CommitOutcome::failed;
      deferred_.erase(key);
      failed_by_error[partition_error][key] = element.offset;
    }
  }
  for (const auto& [code, refused] : deferred_by_error)
    logger_.warn(
        fmt::format("kafka: committing offsets {} refused ({}): the group is rebalancing; committing again once the "
                    "rebalance is over, for the partitions this member still holds",
                    describe(refused), rd_kafka_err2str(code)));
  for (const auto& [code, failed] : failed_by_error)
    logger_.warn(fmt::format("kafka: committing offsets {} failed ({}); those messages will be delivered again",
                             describe(failed), rd_kafka_err2str(code)));
  return outcomes;
}

void KafkaConsumer::retry_deferred(const char* when) {
  if (deferred_.empty()) return;
  const Offsets retrying = deferred_;
  logger_.info(fmt::format("kafka: committing the deferred offsets {} ({})", describe(retrying), when));
  Offsets committed;
  for (const auto& [partition, outcome] : commit_offsets(retrying))
    if (outcome == CommitOutcome::committed) committed[partition] = retrying.at(partition);
  if (!committed.empty()) logger_.info(fmt::format("kafka: deferred offsets {} committed", describe(committed)));
}

void KafkaConsumer::forget_deferred(const rd_kafka_topic_partition_list_t* partitions, bool lost) {
  Offsets forgotten;
  if (partitions == nullptr) {
    forgotten.swap(deferred_);
  } else {
    for (int i = 0; i < partitions->cnt; ++i) {
      const auto found = deferred_.find({partitions->elems[i].topic, partitions->elems[i].partition});
      if (found == deferred_.end()) continue;
      forgotten.insert(*found);
      deferred_.erase(found);
    }
  }
  if (forgotten.empty()) return;
  logger_.warn(fmt::format(
      "kafka: offsets {} never committed: the partitions were {} first; their messages after the last committed "
      "offset will be delivered again to their next owner (the ledger skips the files already loaded)",
      describe(forgotten), lost ? "lost" : "given up"));
}

}  // namespace sluice
