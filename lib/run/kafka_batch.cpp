#include "run/kafka_batch.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "pipeline/pipeline.hpp"
#include "pipeline/unit_planner.hpp"
#include "run/judge.hpp"
#include "run/sources.hpp"
#include "source/kafka_event.hpp"
#include "source/vector_source.hpp"

namespace sluice {

std::string poison_uri(const std::string& topic, std::int32_t partition, std::int64_t offset) {
  return fmt::format("kafka://{}/{}/{}", topic, partition, offset);
}

bool KafkaBatch::full() const {
  const std::size_t limit = options_.run.batch_files;
  return files_.size() >= limit || positions_.size() >= limit;
}

KafkaBatch::Clock::time_point KafkaBatch::deadline() const {
  return opened_ + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options_.batch_wait));
}

void KafkaBatch::add(const KafkaMessage& message) {
  if (positions_.empty()) opened_ = Clock::now();
  positions_.push_back(message.position);
  ConsumerStats& counts = context_.stats.consumer;
  counts.messages += 1;
  FileEvent event = parse_file_event(message.payload);
  stat_local_files(event);
  counts.ignored += static_cast<std::int64_t>(event.ignored);
  counts.files += static_cast<std::int64_t>(event.files.size());
  for (FileRef& file : event.files) files_.push_back(std::move(file));
  if (!event.poison.empty()) {
    // A poison message never blocks its partition: it becomes an entry that fails with the reason.
    counts.poison += 1;
    files_.push_back(FileRef::unloadable(
        poison_uri(message.position.topic, message.position.partition, message.position.offset),
        fmt::format("poison message: {}", event.poison)));
  }
}

void KafkaBatch::flush() {
  if (positions_.empty() || broken_) return;
  broken_ = true;  // stays set if the pipeline throws: those offsets are never committed
  RunStats& stats = context_.stats;
  const std::int64_t loaded_before = stats.rows_loaded, rejected_before = stats.rows_rejected;
  PlannerOptions planner_options;
  planner_options.batch_files = std::max<std::size_t>(1, files_.size());  // one ledger lookup per batch
  planner_options.unit_bytes = options_.run.unit_bytes;
  planner_options.rules.max_attempts = options_.run.max_attempts;
  VectorSource source(std::move(files_));
  files_.clear();
  UnitPlanner planner(source, context_.ledger, planner_options, stats);
  // A batch always runs to its end, signal or not: its offsets are committed only once all of it is in.
  StopSignal never;
  run_pipeline({context_.config, planner, fetcher_, context_.sink, stats, never, context_.logger},
               pipeline_options(options_.run, fetch_jobs_for(true, options_.run.source)));
  context_.fail_points.hit(kFailAfterCommitBeforeOffsets);
  const bool committed = consumer_.commit(positions_);
  ConsumerStats& counts = stats.consumer;
  if (committed) {
    counts.last_commit_unix =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  } else {
    counts.commits_failed += 1;
  }
  counts.batches += 1;
  const double ratio = reject_ratio(stats.rows_loaded - loaded_before, stats.rows_rejected - rejected_before);
  if (ratio > options_.run.max_reject_ratio) {
    counts.batches_over_reject_ratio += 1;
    context_.logger.error(fmt::format("kafka: batch of {} messages has a reject ratio {:.4f}, over --max-reject-ratio {}",
                                      positions_.size(), ratio, options_.run.max_reject_ratio));
  }
  context_.logger.info(fmt::format("kafka: batch of {} messages loaded{}", positions_.size(),
                                   committed ? ", offsets committed" : "; offsets NOT committed (will be delivered again)"));
  positions_.clear();
  broken_ = false;
  context_.publish_progress();
}

}  // namespace sluice
