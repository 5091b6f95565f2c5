#include "run/consume_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "core/errors.hpp"
#include "run/kafka_batch.hpp"
#include "run/sources.hpp"

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

/// With --exit-when-idle, how much longer than the idle time joining the group may take before the run gives up.
constexpr std::chrono::seconds kJoinGrace{60};

// Polls and flushes until a signal, --exit-when-idle, or an exception. Idle means caught up on every partition
// this member holds, holding some or with the group's rebalance over, and no batch waiting: time spent joining
// the group or inside a rebalance is not idleness (a dead member holds the group until its session times out).
void consume_until_done(KafkaConsumer& consumer, KafkaBatch& batch, const ConsumeOptions& options,
                        const StopSignal& stop, Logger& logger) {
  const auto idle_limit = std::chrono::duration<double>(options.exit_when_idle);
  const auto started = Clock::now();
  std::optional<Clock::time_point> idle_since;
  while (!stop.requested()) {
    const auto now = Clock::now();
    if (!batch.empty() && (batch.full() || now >= batch.deadline())) {
      batch.flush();
      continue;
    }
    if (options.exit_when_idle > 0) {
      if (!batch.empty() || !consumer.idle()) {
        idle_since.reset();
      } else if (!idle_since) {
        idle_since = now;
      } else if (now - *idle_since >= idle_limit) {
        logger.info(fmt::format("caught up, no message for {} s: exiting (--exit-when-idle)", options.exit_when_idle));
        return;
      }
      if (consumer.assignments() == 0 && now - started >= idle_limit + kJoinGrace)
        throw FatalError(
            fmt::format("kafka: no partition of {} assigned in {:.0f} s: check --brokers, --topic, --group",
                        options.topic, std::chrono::duration<double>(now - started).count()));
    }
    auto wait = std::chrono::milliseconds(200);  // short, so a signal is noticed quickly
    if (!batch.empty())
      wait = std::clamp(std::chrono::ceil<std::chrono::milliseconds>(batch.deadline() - now),
                        std::chrono::milliseconds(0), wait);
    if (std::optional<KafkaMessage> message = consumer.poll(wait)) {
      batch.add(*message);
      idle_since.reset();
    }
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_kafka_properties(const std::vector<std::string>& texts) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& text : texts) {
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
      throw UsageError(fmt::format("--kafka-property {}: expected KEY=VALUE, e.g. session.timeout.ms=10000", text));
    out.emplace_back(text.substr(0, equals), text.substr(equals + 1));
  }
  return out;
}

void consume_into(const ConsumeOptions& options, RunContext& context) {
  context.stats.consumer.active = true;
  KafkaConsumer consumer(
      {options.brokers, options.topic, options.group, parse_kafka_properties(options.kafka_properties)},
      context.logger);
  std::unique_ptr<Fetcher> fetcher = make_fetcher(options.run.source, context.logger, &context.stats);
  KafkaBatch batch(options, context, *fetcher, consumer);
  // A rebalance takes partitions away only after the batch in flight is loaded and its offsets committed.
  consumer.on_revoke([&batch](bool) { batch.flush(); });
  try {
    consume_until_done(consumer, batch, options, context.stop, context.logger);
    batch.flush();  // drain: what was polled is loaded and committed before leaving the group
    consumer.close();
  } catch (...) {
    // Leave the group at once, loading nothing more: the batch in flight is broken or the cluster is gone, and
    // its messages go to another member (or this one, restarted) after the last committed offset.
    consumer.on_revoke(nullptr);
    consumer.close();
    throw;
  }
}

int run_consume(const ConsumeOptions& options, const FailPoints& fail_points) {
  parse_kafka_properties(options.kafka_properties);  // usage errors before any connection
  SessionMode mode;
  mode.rules.max_attempts = options.run.max_attempts;
  RunSession session(options.run, mode, fail_points);
  return session.execute([&](RunContext& context) { consume_into(options, context); });
}

}  // namespace sluice
