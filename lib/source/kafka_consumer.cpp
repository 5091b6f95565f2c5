#include "source/kafka_consumer.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <cstring>
#include <map>
#include <memory>

#include "core/errors.hpp"

namespace sluice {
namespace {

using PartitionList =
    std::unique_ptr<rd_kafka_topic_partition_list_t, decltype(&rd_kafka_topic_partition_list_destroy)>;

PartitionList new_list(int size) {
  return PartitionList(rd_kafka_topic_partition_list_new(size), &rd_kafka_topic_partition_list_destroy);
}

std::string describe(const rd_kafka_topic_partition_list_t* partitions) {
  std::string out;
  for (int i = 0; i < partitions->cnt; ++i)
    out += fmt::format("{}{}[{}]", out.empty() ? "" : " ", partitions->elems[i].topic, partitions->elems[i].partition);
  return out.empty() ? "nothing" : out;
}

std::string describe(const std::map<std::pair<std::string, std::int32_t>, std::int64_t>& offsets) {
  std::string out;
  for (const auto& [partition, offset] : offsets)
    out += fmt::format("{}{}[{}]@{}", out.empty() ? "" : " ", partition.first, partition.second, offset);
  return out.empty() ? "nothing" : out;
}

/// Refusals that mean "not during this rebalance": the coordinator is rebalancing the group, or this
/// member's generation or member id went stale in a rebalance it has not finished yet.
bool refused_during_rebalance(rd_kafka_resp_err_t error) {
  return error == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS || error == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION ||
         error == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID;
}

// Settings that keep the commit in sluice's hands; a --kafka-property may not change them.
constexpr const char* kFixedSettings[] = {"bootstrap.servers", "group.id", "enable.auto.commit",
                                          "enable.auto.offset.store"};

void log_line(Logger& logger, int level, const char* facility, const char* text) {
  const std::string line = fmt::format("kafka {}: {}", facility, text);
  if (level <= 3)
    logger.error(line);
  else if (level <= 5)
    logger.warn(line);
  else
    logger.info(line);
}

}  // namespace

KafkaConsumer::KafkaConsumer(const KafkaConsumerOptions& options, Logger& logger) : logger_(logger) {
  char error_text[512] = "";
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const std::string& key, const std::string& value) {
    if (rd_kafka_conf_set(conf, key.c_str(), value.c_str(), error_text, sizeof error_text) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      throw UsageError(fmt::format("kafka setting {}: {}", key, error_text));
    }
  };
  set("bootstrap.servers", options.brokers);
  set("group.id", options.group);
  set("enable.auto.commit", "false");
  set("enable.auto.offset.store", "false");
  set("auto.offset.reset", "earliest");  // a new group starts at the oldest event: no file is passed over
  set("client.id", "sluice");
  // poll() sees where each partition ends (it logs the first time, so tests and operators see a backlog read).
  set("enable.partition.eof", "true");
  // Incremental rebalancing: a member gives up only the partitions that move, and it is told so once the
  // group is stable again, so the revoke handler's offset commit is accepted. (With the eager protocol the
  // revoke comes while the group is rebalancing, when a coordinator may refuse commits: librdkafka's mock
  // cluster does.) Every member of a group must use the same strategy.
  set("partition.assignment.strategy", "cooperative-sticky");
  for (const auto& [key, value] : options.properties) {
    for (const char* fixed : kFixedSettings)
      if (key == fixed) {
        rd_kafka_conf_destroy(conf);
        throw UsageError(fmt::format("kafka setting {} cannot be changed with --kafka-property", key));
      }
    set(key, value);
  }
  // Callbacks reach this object through the opaque. The log callback runs on librdkafka's own threads,
  // which rd_kafka_destroy() joins before this object goes away.
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t* handle, int level, const char* facility, const char* text) {
    log_line(static_cast<KafkaConsumer*>(rd_kafka_opaque(handle))->logger_, level, facility, text);
  });
  rd_kafka_conf_set_rebalance_cb(
      conf, [](rd_kafka_t*, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
        static_cast<KafkaConsumer*>(opaque)->rebalance(static_cast<int>(error), partitions);
      });
  handle_ = rd_kafka_new(RD_KAFKA_CONSUMER, conf, error_text, sizeof error_text);
  if (handle_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw UsageError(fmt::format("kafka consumer: {}", error_text));
  }
  rd_kafka_poll_set_consumer(handle_);
  PartitionList topics = new_list(1);
  rd_kafka_topic_partition_list_add(topics.get(), options.topic.c_str(), RD_KAFKA_PARTITION_UA);
  if (const rd_kafka_resp_err_t error = rd_kafka_subscribe(handle_, topics.get())) {
    rd_kafka_destroy(handle_);
    handle_ = nullptr;
    throw UsageError(fmt::format("kafka: cannot subscribe to {}: {}", options.topic, rd_kafka_err2str(error)));
  }
}

KafkaConsumer::~KafkaConsumer() {
  if (handle_ == nullptr) return;
  if (!closed_) {
    on_revoke_ = nullptr;  // the objects it would use may be gone already
    rd_kafka_consumer_close(handle_);
  }
  rd_kafka_destroy(handle_);
}

void KafkaConsumer::rethrow_callback_error() {
  if (!callback_error_) return;
  std::exception_ptr error = callback_error_;
  callback_error_ = nullptr;
  on_revoke_ = nullptr;  // once it failed, it is not asked again
  std::rethrow_exception(error);
}

std::optional<KafkaMessage> KafkaConsumer::poll(std::chrono::milliseconds timeout) {
  rd_kafka_message_t* raw = rd_kafka_consumer_poll(handle_, static_cast<int>(timeout.count()));
  std::unique_ptr<rd_kafka_message_t, decltype(&rd_kafka_message_destroy)> message(raw, &rd_kafka_message_destroy);
  rethrow_callback_error();
  char fatal_text[512] = "";
  if (rd_kafka_fatal_error(handle_, fatal_text, sizeof fatal_text) != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw FatalError(fmt::format("kafka: {}", fatal_text));
  if (!message) return std::nullopt;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // The end-of-partition event follows the partition's messages on the same queue.
      const char* topic = message->rkt != nullptr ? rd_kafka_topic_name(message->rkt) : "";
      if (caught_up_.insert({topic, message->partition}).second)
        logger_.info(fmt::format("kafka: {}[{}] caught up at offset {}", topic, message->partition, message->offset));
    } else {
      logger_.warn(fmt::format("kafka: {}", rd_kafka_message_errstr(message.get())));
    }
    return std::nullopt;
  }
  KafkaMessage out;
  out.position = {rd_kafka_topic_name(message->rkt), message->partition, message->offset};
  if (message->payload != nullptr) out.payload.assign(static_cast<const char*>(message->payload), message->len);
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

  // rd_kafka_commit() copies the list it is given and returns one error code; rd_kafka_commit_queue() without
  // a queue waits just the same and hands the callback the result of each partition.
  struct Result {
    std::map<PartitionKey, rd_kafka_resp_err_t> partitions;
  } result;
  commit_requests_ += 1;
  const rd_kafka_resp_err_t error = rd_kafka_commit_queue(
      handle_, committing.get(), nullptr,
      [](rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t* answered, void* opaque) {
        if (answered == nullptr) return;
        auto& out = static_cast<Result*>(opaque)->partitions;
        try {
          for (int i = 0; i < answered->cnt; ++i)
            out[{answered->elems[i].topic, answered->elems[i].partition}] = answered->elems[i].err;
        } catch (...) {  // a C callback must not throw; a partition without an answer counts as refused
        }
      },
      &result);

  // Per partition: its own error, else the request's (a request error may leave the partition errors unset).
  std::map<rd_kafka_resp_err_t, Offsets> deferred_by_error, failed_by_error;
  for (int i = 0; i < committing->cnt; ++i) {
    const rd_kafka_topic_partition_t& element = committing->elems[i];
    const PartitionKey key{element.topic, element.partition};
    const auto answer = result.partitions.find(key);
    rd_kafka_resp_err_t partition_error = answer == result.partitions.end() ? error : answer->second;
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

void KafkaConsumer::forget_caught_up(const rd_kafka_topic_partition_list_t* partitions) {
  for (int i = 0; i < partitions->cnt; ++i)
    caught_up_.erase({partitions->elems[i].topic, partitions->elems[i].partition});
}

void KafkaConsumer::rebalance(int error_code, rd_kafka_topic_partition_list_t* partitions) {
  const auto error = static_cast<rd_kafka_resp_err_t>(error_code);
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(handle_), "COOPERATIVE") == 0;
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    logger_.info(fmt::format("kafka: assigned {}", describe(partitions)));
    assignments_ += 1;
    forget_caught_up(partitions);
    if (cooperative) {
      if (rd_kafka_error_t* failure = rd_kafka_incremental_assign(handle_, partitions)) {
        logger_.warn(fmt::format("kafka: assign: {}", rd_kafka_error_string(failure)));
        rd_kafka_error_destroy(failure);
      }
    } else {
      rd_kafka_assign(handle_, partitions);
    }
    log_holding();
    // librdkafka calls this once each rebalance round completes, with what it adds (possibly nothing): the
    // group is stable in a new generation, so what a rebalance refused may be committed now. Not right after
    // a cooperative revoke, though: that assign belongs to the round that revoked, and librdkafka rejoins as
    // soon as it returns; a commit then races the JoinGroup, and an ILLEGAL_GENERATION answer makes
    // librdkafka drop the whole assignment as lost. The round that follows ends in another assign.
    if (assign_follows_revoke_)
      assign_follows_revoke_ = false;
    else
      retry_deferred("the rebalance is over");
    return;
  }
  if (error == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    const bool lost = rd_kafka_assignment_lost(handle_) != 0;
    logger_.info(fmt::format("kafka: {} {}", lost ? "lost" : "revoked", describe(partitions)));
    // Lost partitions may belong to another member already: their deferred offsets must not be committed.
    if (lost) forget_deferred(partitions, true);
    // The batch in flight is loaded and its offsets committed while the partitions are still ours.
    const std::uint64_t requests_before = commit_requests_;
    if (on_revoke_ && !callback_error_) {
      try {
        on_revoke_(lost);
      } catch (...) {
        callback_error_ = std::current_exception();  // C callbacks must not throw; poll() rethrows it
      }
    }
    // Deferred offsets are still ours to commit until the unassign below (a batch commit takes them along).
    if (!lost && commit_requests_ == requests_before) retry_deferred("before giving partitions up");
    forget_deferred(partitions, lost);
    assign_follows_revoke_ = cooperative && !lost;
  } else {
    logger_.warn(fmt::format("kafka: rebalance failed: {}", rd_kafka_err2str(error)));
    forget_deferred(cooperative ? partitions : nullptr, false);
  }
  if (cooperative) {
    forget_caught_up(partitions);
    if (rd_kafka_error_t* failure = rd_kafka_incremental_unassign(handle_, partitions)) {
      logger_.warn(fmt::format("kafka: unassign: {}", rd_kafka_error_string(failure)));
      rd_kafka_error_destroy(failure);
    }
  } else {
    rd_kafka_assign(handle_, nullptr);
    forget_deferred(nullptr, false);  // the eager protocol gives up the whole assignment
    caught_up_.clear();
  }
  log_holding();
}

void KafkaConsumer::log_holding() {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(handle_, &raw) != RD_KAFKA_RESP_ERR_NO_ERROR || raw == nullptr) return;
  const PartitionList holding(raw, &rd_kafka_topic_partition_list_destroy);
  logger_.info(fmt::format("kafka: holding {}", describe(holding.get())));
}

void KafkaConsumer::close() {
  if (handle_ == nullptr || closed_) return;
  closed_ = true;
  rd_kafka_consumer_close(handle_);  // the last revoke commits what is deferred, or gives it up
  forget_deferred(nullptr, false);
  rethrow_callback_error();
}

}  // namespace sluice
