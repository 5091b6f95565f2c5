#include "run/ingest_run.hpp"

#include <optional>

#include "pipeline/file_disposer.hpp"
#include "pipeline/pipeline.hpp"
#include "pipeline/unit_planner.hpp"
#include "run/sources.hpp"
#include "source/folder_watch.hpp"

namespace sluice {

void ingest_into(const IngestOptions& options, RunContext& context) {
  const RunOptions& run = options.run;
  FileDisposer disposer(parse_disposition(options.on_success, true, "--on-success"),
                        parse_disposition(options.on_failure, false, "--on-failure"), options.sources,
                        context.logger);
  PlannerOptions planner_options;
  planner_options.batch_files = run.batch_files;
  planner_options.unit_bytes = run.unit_bytes;
  planner_options.force = options.force;
  if (!options.shard.empty()) planner_options.shard = parse_shard(options.shard);
  PipelineOptions pipeline = pipeline_options(run, fetch_jobs_for(any_s3_source(options.sources), run.source));
  if (disposer.active() && !options.dry_run) {
    planner_options.on_known = [&](const FileRef& file, const LedgerEntry& entry) {
      disposer.settle(file, entry.failed, entry.error);
    };
    pipeline.after_commit = [&](const ParsedFile& file, FileStatus status) {
      context.fail_points.hit(kFailAfterCommitBeforeDispose);
      disposer.settle(file.ref, status == FileStatus::failed, file.failure);
    };
  }
  std::unique_ptr<Fetcher> fetcher = make_fetcher(run.source, context.logger, &context.stats);
  std::optional<FolderWatch> watch;
  if (options.watch) watch.emplace(options.sources);
  while (true) {
    std::unique_ptr<FileSource> source = make_sources(options.sources, run.source, context.logger, &context.stats);
    UnitPlanner planner(*source, context.ledger, planner_options, context.stats);
    run_pipeline({context.config, planner, *fetcher, context.sink, context.stats, context.stop, context.logger},
                 pipeline);
    if (!watch || context.stop.requested()) break;
    context.publish_progress();
    watch->wait(options.watch_interval, run.source.settle_seconds, context.stop);
    if (context.stop.requested()) break;
  }
}

int run_ingest(const IngestOptions& options, const FailPoints& fail_points) {
  if (!options.shard.empty()) parse_shard(options.shard);  // usage errors before any connection
  RunSession session(options.run, SessionMode{options.dry_run, options.force}, fail_points);
  return session.execute([&](RunContext& context) { ingest_into(options, context); });
}

}  // namespace sluice
