#include "consume_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include "common.hpp"
#include "core/errors.hpp"
#include "core/redact.hpp"
#include "fetch/poison_fetcher.hpp"
#include "load/pg_target.hpp"
#include "pipeline/pipeline.hpp"
#include "report/progress.hpp"
#include "report/summary.hpp"
#include "signals.hpp"
#include "source/kafka_consumer.hpp"
#include "source/kafka_event.hpp"
#include "source/vector_source.hpp"

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

/// With --exit-when-idle, how much longer than the idle time joining the group may take before the run gives up.
constexpr std::chrono::seconds kJoinGrace{60};

/// What the messages held, beyond what RunStats counts about files.
struct MessageCounts {
  std::int64_t messages = 0;
  std::int64_t files = 0;           ///< files announced (a file announced twice counts twice)
  std::int64_t ignored = 0;         ///< records that are not loads (ObjectRemoved:*, s3:TestEvent)
  std::int64_t poison = 0;          ///< messages (partly) unusable: failed ledger rows kafka://topic/partition/offset
  std::int64_t batches = 0;         ///< batches loaded and committed
  std::int64_t commits_failed = 0;  ///< batches whose offsets could not all be committed (redelivered later)
};

/// The messages polled since the last commit, and how they are loaded and committed.
class Batch {
 public:
  Batch(const ConsumeOptions& options, const Config& config, PgTarget& target, PoisonFetcher& fetcher,
        KafkaConsumer& consumer, RunStats& stats, Logger& logger, MessageCounts& counts)
      : options_(options),
        config_(config),
        target_(target),
        fetcher_(fetcher),
        consumer_(consumer),
        stats_(stats),
        logger_(logger),
        counts_(counts) {}

  [[nodiscard]] bool empty() const { return positions_.empty(); }
  [[nodiscard]] bool full() const {
    return files_.size() >= options_.batch_files || positions_.size() >= options_.batch_files;
  }
  [[nodiscard]] Clock::time_point deadline() const {
    return opened_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.batch_wait));
  }

  void add(const KafkaMessage& message);
  /// Loads every file of the batch, then commits its offsets. An exception (FatalError) leaves the
  /// offsets uncommitted and the batch broken: it is not tried again.
  void flush();

 private:
  PipelineOptions pipeline_options() const;

  const ConsumeOptions& options_;
  const Config& config_;
  PgTarget& target_;
  PoisonFetcher& fetcher_;
  KafkaConsumer& consumer_;
  RunStats& stats_;
  Logger& logger_;
  MessageCounts& counts_;
  std::vector<FileRef> files_;
  std::vector<KafkaPosition> positions_;
  Clock::time_point opened_;
  bool broken_ = false;
};

void Batch::add(const KafkaMessage& message) {
  if (positions_.empty()) opened_ = Clock::now();
  positions_.push_back(message.position);
  counts_.messages += 1;
  FileEvent event = parse_file_event(message.payload);
  stat_local_files(event);
  counts_.ignored += static_cast<std::int64_t>(event.ignored);
  counts_.files += static_cast<std::int64_t>(event.files.size());
  for (FileRef& file : event.files) files_.push_back(std::move(file));
  if (!event.poison.empty()) {
    // A poison message never blocks its partition: it becomes a file that fails with the reason.
    counts_.poison += 1;
    std::string uri = poison_uri(message.position.topic, message.position.partition, message.position.offset);
    fetcher_.mark(uri, event.poison);
    files_.push_back(FileRef{std::move(uri), 0, ""});
  }
}

PipelineOptions Batch::pipeline_options() const {
  PipelineOptions out;
  out.jobs = options_.jobs > 0 ? options_.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  out.fetch_jobs = fetch_jobs_for({}, options_.source);
  out.connections = options_.connections;
  out.max_file_bytes = options_.source.max_file_bytes;
  out.limits.max_rejects_per_file = options_.max_rejects_per_file;
  return out;
}

void Batch::flush() {
  if (positions_.empty() || broken_) return;
  broken_ = true;  // stays set if the pipeline throws: those offsets are never committed
  PlannerOptions planner_options;
  planner_options.batch_files = std::max<std::size_t>(1, files_.size());  // one ledger lookup per batch
  planner_options.unit_bytes = options_.unit_bytes;
  VectorSource source(std::move(files_));
  files_.clear();
  UnitPlanner planner(source, target_.ledger(), planner_options, stats_);
  // A batch always runs to its end, signal or not: its offsets are committed only once all of it is in.
  StopSignal never;
  run_pipeline({config_, planner, fetcher_, target_.sink(), stats_, never, logger_}, pipeline_options());
  if (options_.crash_before_offset_commit) {
    static constexpr char kMessage[] =
        "sluice: test hook: exiting after the database commit, before the offset commit\n";
    (void)!::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
    ::_exit(9);
  }
  fetcher_.clear();
  const bool committed = consumer_.commit(positions_);
  if (!committed) counts_.commits_failed += 1;
  counts_.batches += 1;
  logger_.info(fmt::format("kafka: batch of {} messages loaded{}", positions_.size(),
                           committed ? ", offsets committed" : "; offsets NOT committed (will be delivered again)"));
  positions_.clear();
  broken_ = false;
}

// Polls and flushes until a signal, --exit-when-idle, or an exception. The idle clock runs while partitions
// are assigned: joining a group can take a while (a dead member holds it until its session times out).
void consume_until_done(KafkaConsumer& consumer, Batch& batch, const ConsumeOptions& options, StopSignal& stop,
                        Logger& logger) {
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

RunOutcome judge(const RunStats& stats, bool stopped) {
  if (stopped) return RunOutcome{"stopped", static_cast<int>(ExitCode::stopped), false, ""};
  if (stats.files_failed > 0) return RunOutcome{"partial", static_cast<int>(ExitCode::partial), false, ""};
  return RunOutcome{"ok", static_cast<int>(ExitCode::ok), false, ""};
}

std::vector<std::pair<std::string, std::string>> parse_properties(const std::vector<std::string>& texts) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& text : texts) {
    const auto equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
      throw UsageError(fmt::format("--kafka-property {}: expected KEY=VALUE, e.g. session.timeout.ms=10000", text));
    out.emplace_back(text.substr(0, equals), text.substr(equals + 1));
  }
  return out;
}

RunOutcome consume_into(const ConsumeOptions& options, const Config& config, PgTarget& target, RunStats& stats,
                        StopSignal& stop, Logger& logger, MessageCounts& counts) {
  KafkaConsumer consumer({options.brokers, options.topic, options.group, parse_properties(options.kafka_properties)},
                         logger);
  std::unique_ptr<Fetcher> files = make_fetcher(options.source, logger);
  PoisonFetcher fetcher(*files);
  Batch batch(options, config, target, fetcher, consumer, stats, logger, counts);
  // A rebalance takes partitions away only after the batch in flight is loaded and its offsets committed.
  consumer.on_revoke([&batch](bool) { batch.flush(); });
  try {
    consume_until_done(consumer, batch, options, stop, logger);
    batch.flush();  // drain: what was polled is loaded and committed before leaving the group
    consumer.close();
  } catch (const FatalError& error) {
    consumer.close();  // leave the group at once; uncommitted messages go to another member
    return RunOutcome{"fatal", static_cast<int>(ExitCode::fatal), false, redact_dsn(error.what())};
  }
  return judge(stats, stop.requested());
}

// --kafka-property values may hold secrets (sasl.password=...): they stay out of the runs table.
std::vector<std::string> without_kafka_secrets(const std::vector<std::string>& argv) {
  std::vector<std::string> out;
  for (const std::string& arg : argv) {
    std::string copy = arg;
    for (const char* marker : {"password=", "secret=", "sasl.oauthbearer.config="})
      if (const auto at = copy.find(marker); at != std::string::npos)
        copy = copy.substr(0, at + std::strlen(marker)) + "***";
    out.push_back(std::move(copy));
  }
  return out;
}

int run_consume(const ConsumeOptions& options, const std::vector<std::string>& argv) {
  Logger logger(parse_log_format(options.common.log_format), options.quiet);
  const Config config = effective_config(options.common);
  parse_properties(options.kafka_properties);  // usage errors before any connection
  RunStats stats;
  MessageCounts counts;
  StopSignal stop;
  SignalWatcher watcher(stop, logger);
  RunOutcome outcome;
  {
    Progress progress(stats, parse_progress_mode(options.progress), options.progress_interval);
    logger.set_line_guard(&progress.terminal_mutex());
    try {
      RetryPolicy retry;
      retry.retries = options.retries;
      PgTarget target(config,
                      {options.common.db, false, retry, redacted_command_line(without_kafka_secrets(argv)), "0/1"},
                      logger, stats);
      outcome = target.run([&] { return consume_into(options, config, target, stats, stop, logger, counts); });
    } catch (const FatalError& error) {
      outcome = RunOutcome{"fatal", static_cast<int>(ExitCode::fatal), false, redact_dsn(error.what())};
    }
    progress.stop();
    logger.set_line_guard(nullptr);
  }
  if (!outcome.error.empty()) logger.error(outcome.error);
  std::cout << human_summary(stats, outcome)
            << fmt::format(
                   "  kafka: {} messages, {} files announced, {} events ignored (not ObjectCreated), {} poison, "
                   "{} batches committed{}\n",
                   counts.messages, counts.files, counts.ignored, counts.poison, counts.batches,
                   counts.commits_failed > 0 ? fmt::format(" ({} with offsets not committed)", counts.commits_failed)
                                             : "")
            << std::flush;
  if (!options.summary_json.empty()) write_file_atomically(options.summary_json, json_summary(stats, outcome));
  return outcome.exit_code;
}

}  // namespace

void add_consume_command(CLI::App& app, ConsumeOptions& options, const std::vector<std::string>& argv, int& exit_code) {
  CLI::App* command =
      app.add_subcommand("consume", "Load the files announced on a Kafka topic (S3 event notifications)");
  command->add_option("--brokers", options.brokers, "Kafka bootstrap servers, host:port[,host:port...]")->required();
  command->add_option("--topic", options.topic, "topic carrying S3 event notifications or {\"uri\": ...} messages")
      ->required();
  command->add_option("--group", options.group, "consumer group id; members of a group share the partitions")
      ->required();
  command->add_option("--kafka-property", options.kafka_properties,
                      "KEY=VALUE librdkafka setting (security.protocol, sasl.*, session.timeout.ms, ...); repeatable");
  add_common_options(*command, options.common);
  add_source_options(*command, options.source);
  command->add_option("--batch-files", options.batch_files, "files loaded and committed together at most")
      ->check(CLI::Range(1, 1'000'000));
  command->add_option("--batch-wait", options.batch_wait, "seconds a batch waits for more messages before loading")
      ->check(CLI::Range(0.0, 3600.0));
  command
      ->add_option("--exit-when-idle", options.exit_when_idle,
                   "exit after this many seconds without a message (0: run until a signal)")
      ->check(CLI::Range(0.0, 1e9));
  command->add_option("--jobs", options.jobs, "parallel parsers (default: one per core)")->check(CLI::Range(0, 1024));
  command->add_option("--connections", options.connections, "PostgreSQL connections loading in parallel")
      ->check(CLI::Range(1, 256));
  command->add_option("--retries", options.retries, "retries of a unit on transient database faults")
      ->check(CLI::Range(0, 100));
  command->add_option("--max-rejects-per-file", options.max_rejects_per_file,
                      "a file with more rejected rows fails as a whole (0: no limit)");
  command->add_option("--unit-bytes", options.unit_bytes,
                      "small files are grouped into one transaction up to this size");
  command->add_option("--progress", options.progress, "auto|always|never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  command->add_option("--progress-interval", options.progress_interval, "seconds between status lines off a terminal")
      ->check(CLI::PositiveNumber);
  command->add_option("--summary-json", options.summary_json, "write the run's summary as JSON to this file");
  command->add_flag("--quiet", options.quiet, "no informational log lines");
  command->callback([&options, &argv, &exit_code] {
    const char* hook = std::getenv("SLUICE_TEST_CRASH_BEFORE_OFFSET_COMMIT");
    options.crash_before_offset_commit = hook != nullptr && std::string_view(hook) == "1";
    exit_code = run_consume(options, argv);
  });
}

}  // namespace sluice
