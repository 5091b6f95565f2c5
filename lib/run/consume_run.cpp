#include "run/consume_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "core/errors.hpp"
#include "run/kafka_batch.hpp"
#include "run/sources.hpp"

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

/// With --exit-when-idle, how much longer than the idle time joining the group may take before the run gives up.
constexpr std::chrono::seconds kJoinGrace{60};

// Polls and flushes until a signal, --exit-when-idle, or an exception. The idle clock runs while partitions
// are assigned: joining a group can take a while (a dead member holds it until its session times out).
void consume_until_done(KafkaConsumer& consumer, KafkaBatch& batch, const ConsumeOptions& options,
                        const StopSignal& stop, Logger& logger) {
  const auto idle_limit = std::chrono::duration<double>(options.exit_when_idle);
  const auto started = Clock::now();
  auto last_activity = started;
  std::int64_t assignments = 0;
  while (!stop.requested()) {
    const auto now = Clock::now();
    if (!batch.empty() && (batch.full() || now >= batch.deadline())) {
      batch.flush();
      last_activity = Clock::now();  // a long load is not idleness
      continue;
    }
    if (consumer.assignments() != assignments) {
      assignments = consumer.assignments();
      last_activity = now;
    }
    if (batch.empty() && options.exit_when_idle > 0) {
      if (assignments > 0 && now - last_activity >= idle_limit) {
        logger.info(fmt::format("no message for {} s: exiting (--exit-when-idle)", options.exit_when_idle));
        return;
      }
      if (assignments == 0 && now - started >= idle_limit + kJoinGrace)
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
      last_activity = Clock::now();
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
    consumer.close();  // leave the group at once; uncommitted messages go to another member
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
