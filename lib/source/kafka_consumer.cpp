#include "source/kafka_consumer.hpp"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <cstring>
#include <map>
#include <memory>

#include "core/errors.hpp"
#include "source/kafka_lists.hpp"

namespace sluice {
namespace {

using kafka_lists::describe;
using kafka_lists::new_list;
using kafka_lists::PartitionList;

// Settings that keep the commit in sluice's hands; a --kafka-property may not change them.
constexpr const char* kFixedSettings[] = {"bootstrap.servers", "group.id", "enable.auto.commit",
                                          "enable.auto.offset.store"};

/// A numeric setting of `conf` (after the user's --kafka-property), or `fallback`.
std::int64_t conf_number(const rd_kafka_conf_t* conf, const char* name, std::int64_t fallback) {
  char text[64] = "";
  std::size_t size = sizeof text;
  if (rd_kafka_conf_get(conf, name, text, &size) != RD_KAFKA_CONF_OK) return fallback;
  try {
    return std::stoll(text);
  } catch (const std::exception&) {
    return fallback;
  }
}

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
  patience_ = std::chrono::milliseconds(conf_number(conf, "session.timeout.ms", 45'000));
  // Callbacks reach this object through the opaque. The log callback runs on librdkafka's own threads,
  // which rd_kafka_destroy() joins before this object goes away.
  rd_kafka_conf_set_opaque(conf, this);
  rd_kafka_conf_set_log_cb(conf, [](const rd_kafka_t* handle, int level, const char* facility, const char* text) {
    log_line(static_cast<KafkaConsumer*>(rd_kafka_opaque(handle))->logger_, level, facility, text);
  });
  // Served by poll(), on the caller's thread (the main queue is forwarded to the consumer's).
  rd_kafka_conf_set_error_cb(conf, [](rd_kafka_t*, int error, const char* reason, void* opaque) {
    static_cast<KafkaConsumer*>(opaque)->on_client_error(error, reason);
  });
  rd_kafka_conf_set_rebalance_cb(
      conf, [](rd_kafka_t*, rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions, void* opaque) {
        auto* self = static_cast<KafkaConsumer*>(opaque);
        try {
          self->rebalance(static_cast<int>(error), partitions);
        } catch (...) {  // a commit that got no answer: C callbacks must not throw; poll() rethrows it
          if (!self->callback_error_) self->callback_error_ = std::current_exception();
        }
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
    try {
      close();
    } catch (const std::exception& error) {
      logger_.warn(fmt::format("kafka: leaving the group: {}", error.what()));
    }
  }
  // close() waited as long as it may; destroy must not start another, unbounded, close.
  rd_kafka_destroy_flags(handle_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

void KafkaConsumer::on_client_error(int error, const char* reason) {
  if (error == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN) {
    if (!brokers_down_since_) brokers_down_since_ = Clock::now();
    logger_.warn(
        fmt::format("kafka: no broker reachable ({}); the run stops if none is within {} s "
                    "(session.timeout.ms)",
                    reason, patience_.count() / 1000.0));
  } else {
    logger_.warn(fmt::format("kafka: {}: {}", rd_kafka_err2str(static_cast<rd_kafka_resp_err_t>(error)), reason));
  }
}

void KafkaConsumer::check_brokers() {
  if (!brokers_down_since_ || Clock::now() - *brokers_down_since_ < patience_) return;
  const rd_kafka_metadata_t* metadata = nullptr;
  if (rd_kafka_metadata(handle_, 0, nullptr, &metadata, 1000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    rd_kafka_metadata_destroy(metadata);
    brokers_down_since_.reset();
    logger_.info("kafka: a broker is reachable again");
    return;
  }
  throw FatalError(fmt::format(
      "kafka: no broker reachable for {:.0f} s, longer than session.timeout.ms: the cluster is gone or unreachable "
      "(check --brokers and the network). Nothing more is committed; messages after the last committed offsets "
      "will be delivered again (the ledger skips the files already loaded)",
      std::chrono::duration<double>(Clock::now() - *brokers_down_since_).count()));
}

bool KafkaConsumer::idle() const {
  if (held_.empty() && !settled_) return false;
  for (const PartitionKey& partition : held_)
    if (at_end_.count(partition) == 0) return false;
  return true;
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
  if (message && (message->err == RD_KAFKA_RESP_ERR_NO_ERROR || message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF))
    brokers_down_since_.reset();  // a broker answered
  check_brokers();
  char fatal_text[512] = "";
  if (rd_kafka_fatal_error(handle_, fatal_text, sizeof fatal_text) != RD_KAFKA_RESP_ERR_NO_ERROR)
    throw FatalError(fmt::format("kafka: {}", fatal_text));
  if (!message) return std::nullopt;
  if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (message->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      // The end-of-partition event follows the partition's messages on the same queue.
      const char* topic = message->rkt != nullptr ? rd_kafka_topic_name(message->rkt) : "";
      at_end_.insert({topic, message->partition});
      if (caught_up_.insert({topic, message->partition}).second)
        logger_.info(fmt::format("kafka: {}[{}] caught up at offset {}", topic, message->partition, message->offset));
    } else {
      logger_.warn(fmt::format("kafka: {}", rd_kafka_message_errstr(message.get())));
    }
    return std::nullopt;
  }
  KafkaMessage out;
  out.position = {rd_kafka_topic_name(message->rkt), message->partition, message->offset};
  at_end_.erase({out.position.topic, out.position.partition});
  if (message->payload != nullptr) out.payload.assign(static_cast<const char*>(message->payload), message->len);
  return out;
}

void KafkaConsumer::forget_caught_up(const rd_kafka_topic_partition_list_t* partitions) {
  for (int i = 0; i < partitions->cnt; ++i) {
    caught_up_.erase({partitions->elems[i].topic, partitions->elems[i].partition});
    at_end_.erase({partitions->elems[i].topic, partitions->elems[i].partition});
  }
}

void KafkaConsumer::rebalance(int error_code, rd_kafka_topic_partition_list_t* partitions) {
  const auto error = static_cast<rd_kafka_resp_err_t>(error_code);
  const bool cooperative = std::strcmp(rd_kafka_rebalance_protocol(handle_), "COOPERATIVE") == 0;
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    logger_.info(fmt::format("kafka: assigned {}", describe(partitions)));
    assignments_ += 1;
    forget_caught_up(partitions);
    for (int i = 0; i < partitions->cnt; ++i)
      held_.insert({partitions->elems[i].topic, partitions->elems[i].partition});
    settled_ = !assign_follows_revoke_;  // a cooperative revoke's own assign: the round that follows is not over
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
    settled_ = false;
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
    settled_ = false;
    forget_deferred(cooperative ? partitions : nullptr, false);
  }
  if (cooperative) {
    forget_caught_up(partitions);
    for (int i = 0; i < partitions->cnt; ++i) held_.erase({partitions->elems[i].topic, partitions->elems[i].partition});
    if (rd_kafka_error_t* failure = rd_kafka_incremental_unassign(handle_, partitions)) {
      logger_.warn(fmt::format("kafka: unassign: {}", rd_kafka_error_string(failure)));
      rd_kafka_error_destroy(failure);
    }
  } else {
    rd_kafka_assign(handle_, nullptr);
    forget_deferred(nullptr, false);  // the eager protocol gives up the whole assignment
    caught_up_.clear();
    at_end_.clear();
    held_.clear();
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
  // rd_kafka_consumer_close() waits for the coordinator without a bound; this is the same, bounded. The last
  // revoke (served here) commits what is deferred, or gives it up.
  rd_kafka_queue_t* queue = rd_kafka_queue_new(handle_);
  if (rd_kafka_error_t* error = rd_kafka_consumer_close_queue(handle_, queue)) {
    logger_.warn(fmt::format("kafka: leaving the group: {}", rd_kafka_error_string(error)));
    rd_kafka_error_destroy(error);
  } else {
    const auto deadline = Clock::now() + patience_;
    while (rd_kafka_consumer_closed(handle_) == 0) {
      if (Clock::now() >= deadline) {
        logger_.warn(fmt::format(
            "kafka: leaving the group got no answer in {} s (session.timeout.ms); the coordinator drops this "
            "member when its session ends",
            patience_.count() / 1000.0));
        break;
      }
      rd_kafka_queue_poll_callback(queue, 100);
    }
  }
  rd_kafka_queue_destroy(queue);
  forget_deferred(nullptr, false);
  rethrow_callback_error();
}

}  // namespace sluice
