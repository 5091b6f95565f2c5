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
    if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
      logger_.warn(fmt::format("kafka: {}", rd_kafka_message_errstr(message.get())));
    return std::nullopt;
  }
  KafkaMessage out;
  out.position = {rd_kafka_topic_name(message->rkt), message->partition, message->offset};
  if (message->payload != nullptr) out.payload.assign(static_cast<const char*>(message->payload), message->len);
  return out;
}

bool KafkaConsumer::commit(const std::vector<KafkaPosition>& positions) {
  std::map<std::pair<std::string, std::int32_t>, std::int64_t> next_offsets;
  for (const KafkaPosition& position : positions) {
    std::int64_t& next = next_offsets[{position.topic, position.partition}];
    next = std::max(next, position.offset + 1);
  }
  if (next_offsets.empty()) return true;
  PartitionList stored = new_list(static_cast<int>(next_offsets.size()));
  for (const auto& [partition, offset] : next_offsets)
    rd_kafka_topic_partition_list_add(stored.get(), partition.first.c_str(), partition.second)->offset = offset;
  // Storing first checks that each partition is still ours (RD_KAFKA_RESP_ERR__STATE otherwise): an offset
  // committed for a partition another member now owns could move that member's position.
  rd_kafka_offsets_store(handle_, stored.get());
  PartitionList committing = new_list(stored->cnt);
  bool complete = true;
  for (int i = 0; i < stored->cnt; ++i) {
    const rd_kafka_topic_partition_t& element = stored->elems[i];
    if (element.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      logger_.warn(fmt::format("kafka: {}[{}] offset {} not committed ({}); its messages will be delivered again",
                               element.topic, element.partition, element.offset, rd_kafka_err2str(element.err)));
      complete = false;
      continue;
    }
    rd_kafka_topic_partition_list_add(committing.get(), element.topic, element.partition)->offset = element.offset;
  }
  if (committing->cnt == 0) return false;
  const rd_kafka_resp_err_t error = rd_kafka_commit(handle_, committing.get(), 0);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    logger_.warn(fmt::format("kafka: committing offsets of {} failed ({}); those messages will be delivered again",
                             describe(committing.get()), rd_kafka_err2str(error)));
    return false;
  }
  for (int i = 0; i < committing->cnt; ++i)
    if (committing->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      logger_.warn(fmt::format("kafka: committing {}[{}] failed ({})", committing->elems[i].topic,
                               committing->elems[i].partition, rd_kafka_err2str(committing->elems[i].err)));
      complete = false;
    }
  return complete;
}

void KafkaConsumer::rebalance(int error_code, rd_kafka_topic_partition_list_t* partitions) {
  const auto error = static_cast<rd_kafka_resp_err_t>(error_code);
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(handle_), "COOPERATIVE") == 0;
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    logger_.info(fmt::format("kafka: assigned {}", describe(partitions)));
    assignments_ += 1;
    if (cooperative) {
      if (rd_kafka_error_t* failure = rd_kafka_incremental_assign(handle_, partitions)) {
        logger_.warn(fmt::format("kafka: assign: {}", rd_kafka_error_string(failure)));
        rd_kafka_error_destroy(failure);
      }
    } else {
      rd_kafka_assign(handle_, partitions);
    }
    log_holding();
    return;
  }
  if (error == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    const bool lost = rd_kafka_assignment_lost(handle_) != 0;
    logger_.info(fmt::format("kafka: {} {}", lost ? "lost" : "revoked", describe(partitions)));
    // The batch in flight is loaded and its offsets committed while the partitions are still ours.
    if (on_revoke_ && !callback_error_) {
      try {
        on_revoke_(lost);
      } catch (...) {
        callback_error_ = std::current_exception();  // C callbacks must not throw; poll() rethrows it
      }
    }
  } else {
    logger_.warn(fmt::format("kafka: rebalance failed: {}", rd_kafka_err2str(error)));
  }
  if (cooperative) {
    if (rd_kafka_error_t* failure = rd_kafka_incremental_unassign(handle_, partitions)) {
      logger_.warn(fmt::format("kafka: unassign: {}", rd_kafka_error_string(failure)));
      rd_kafka_error_destroy(failure);
    }
  } else {
    rd_kafka_assign(handle_, nullptr);
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
  rd_kafka_consumer_close(handle_);
  rethrow_callback_error();
}

}  // namespace sluice
