#include "run/kafka_batch.hpp"

#include <fmt/format.h>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <unordered_map>

#include "pipeline/ledger_rules.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/unit_planner.hpp"
#include "run/judge.hpp"
#include "run/sources.hpp"
#include "source/kafka_event.hpp"
#include "source/local_source.hpp"
#include "source/vector_source.hpp"

namespace sluice {

std::string poison_uri(const std::string& topic, std::int32_t partition, std::int64_t offset) {
  return fmt::format("kafka://{}/{}/{}", topic, partition, offset);
}

KafkaBatch::KafkaBatch(const ConsumeOptions& options, RunContext& context, Fetcher& fetcher, KafkaConsumer& consumer)
    : options_(options), context_(context), fetcher_(fetcher), consumer_(consumer), roots_(options.local_roots) {
  include_ = options.run.source.include.empty() ? LocalListing().include : options.run.source.include;
}

std::optional<FileRef> KafkaBatch::admit(const FileRef& file, std::string& refusal, bool& ignored) const {
  ignored = false;
  if (!name_included(file.uri, include_)) {
    ignored = true;  // _SUCCESS markers, manifests, anything not named like data
    return std::nullopt;
  }
  if (file.scheme == FileScheme::s3) {
    const auto& buckets = options_.allowed_buckets;
    const std::string bucket = file.uri.substr(5, file.uri.find('/', 5) - 5);
    if (!buckets.empty() && std::find(buckets.begin(), buckets.end(), bucket) == buckets.end()) {
      refusal = fmt::format("{}: bucket {} is not allowed (--allow-bucket)", file.uri, bucket);
      return std::nullopt;
    }
    return file;
  }
  return roots_.admit(file.uri, refusal);
}

std::vector<FileRef> KafkaBatch::newest_per_uri() {
  // Per uri, the announcement with the newest sequencer (the later one on a tie or without sequencers). It
  // carries the newest sequencer of them all: the read that follows sees the object as it is now, at least as
  // new as every event of the batch.
  std::unordered_map<std::string, std::size_t> kept;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    auto [found, inserted] = kept.try_emplace(files_[i].uri, i);
    if (inserted) continue;
    context_.stats.consumer.duplicates += 1;
    FileRef& earlier = files_[found->second];
    FileRef& later = files_[i];
    if (sequencer_older(later.sequencer, earlier.sequencer)) continue;
    later.sequencer = std::string(newest_sequencer(later.sequencer, earlier.sequencer));
    found->second = i;
  }
  std::vector<std::size_t> order;
  order.reserve(kept.size());
  for (const auto& [uri, index] : kept) order.push_back(index);
  std::sort(order.begin(), order.end());
  std::vector<FileRef> out;
  out.reserve(order.size());
  for (std::size_t index : order) {
    FileRef file = std::move(files_[index]);
    if (file.scheme == FileScheme::local) {
      std::string refusal;
      if (std::optional<FileRef> now = roots_.admit(file.uri, refusal))
        file = std::move(*now);
      else
        file = FileRef::unloadable(file.uri, refusal);
    }
    out.push_back(std::move(file));
  }
  files_.clear();
  identify_bare_objects(out);
  return out;
}

void KafkaBatch::identify_bare_objects(std::vector<FileRef>& files) {
  std::vector<FileRef*> bare;
  for (FileRef& file : files)
    if (file.scheme == FileScheme::s3 && file.etag.empty()) bare.push_back(&file);
  if (bare.empty()) return;
  // HEADs wait on the network, like GETs: side by side, as many as the fetches.
  std::atomic<std::int64_t> identified{0};
  const int jobs = fetch_jobs_for(true, options_.run.source);
  // As in the pipeline: threads that wait on the network may outnumber the cores.
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(jobs));
  tbb::task_arena arena(jobs);
  arena.execute([&] {
    tbb::parallel_for(std::size_t{0}, bare.size(), [&](std::size_t i) {
      if (fetcher_.identify(*bare[i])) identified += 1;
    });
  });
  context_.stats.consumer.identified += identified;
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
  counts.ignored += static_cast<std::int64_t>(event.ignored);
  for (const FileRef& file : event.files) {
    std::string refusal;
    bool ignored = false;
    std::optional<FileRef> admitted = admit(file, refusal, ignored);
    if (admitted) {
      counts.files += 1;
      files_.push_back(std::move(*admitted));
    } else if (ignored) {
      counts.ignored += 1;
    } else {
      event.poison += (event.poison.empty() ? "" : "; ") + refusal;
    }
  }
  if (!event.poison.empty()) {
    // A poison message never blocks its partition: it becomes an entry that fails with the reason.
    counts.poison += 1;
    files_.push_back(
        FileRef::unloadable(poison_uri(message.position.topic, message.position.partition, message.position.offset),
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
  VectorSource source(newest_per_uri());
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
    context_.logger.error(
        fmt::format("kafka: batch of {} messages has a reject ratio {:.4f}, over --max-reject-ratio {}",
                    positions_.size(), ratio, options_.run.max_reject_ratio));
  }
  context_.logger.info(
      fmt::format("kafka: batch of {} messages loaded{}", positions_.size(),
                  committed ? ", offsets committed"
                            : "; offsets not committed yet (retried after the rebalance, else delivered again)"));
  positions_.clear();
  broken_ = false;
  context_.publish_progress();
}

}  // namespace sluice
