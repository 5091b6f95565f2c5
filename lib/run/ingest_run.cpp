#include "run/ingest_run.hpp"

#include <fmt/format.h>

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
                        parse_disposition(options.on_failure, false, "--on-failure"), options.sources, context.ledger,
                        context.logger);
  PlannerOptions planner_options;
  planner_options.batch_files = run.batch_files;
  planner_options.unit_bytes = run.unit_bytes;
  planner_options.rules = ingest_ledger_rules(options);
  planner_options.on_link = [&](const FileRef& file, const std::string& first_uri) {
    context.logger.info(
        fmt::format("{}: the same file as {} (a link): loaded once, under the first name", file.uri, first_uri));
  };
  if (!options.shard.empty()) planner_options.shard = parse_shard(options.shard);
  PipelineOptions pipeline = pipeline_options(run, fetch_jobs_for(any_s3_source(options.sources), run.source));
  pipeline.mid_stream = [&] { context.fail_points.hit(kFailMidStream); };
  pipeline.first_commit = [&] { context.fail_points.pause(kPauseAfterFirstCommit); };
  if (disposer.active() && !options.dry_run) {
    // A file the ledger holds: a loaded one whose move a crash interrupted, or one given up on.
    planner_options.on_known = [&](const FileRef& file, const LedgerRow& row) {
      if (row.state == LedgerState::given_up) {
        disposer.settle(file, 0, true, row.error);
      } else if (row.dispose_pending) {
        FileRef committed = file;
        committed.device = row.device;
        committed.inode = row.inode;
        disposer.settle(committed, row.file_id, false, "");
      }
    };
    pipeline.after_commit = [&](const ParsedFile& file, const FileOutcome& outcome) {
      context.fail_points.hit(kFailAfterCommitBeforeDispose);
      disposer.settle(file.ref, file.file_id, outcome.status == FileStatus::failed, failure_of(file, outcome));
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

LedgerRules ingest_ledger_rules(const IngestOptions& options) {
  LedgerRules rules;
  rules.force = options.force;
  rules.max_attempts = options.run.max_attempts;
  rules.queue = parse_disposition(options.on_success, true, "--on-success").kind != Disposition::Kind::keep;
  return rules;
}

int run_ingest(const IngestOptions& options, const FailPoints& fail_points) {
  if (!options.shard.empty()) parse_shard(options.shard);  // usage errors before any connection
  const LedgerRules rules = ingest_ledger_rules(options);
  // Commits wait for the disk only where something acts on them before the run ends: a file moved or deleted
  // once loaded (a queue folder) or failed. A --watch run never ends, so it would never confirm them.
  const bool keeps_files =
      !rules.queue && parse_disposition(options.on_failure, false, "--on-failure").kind == Disposition::Kind::keep;
  RunSession session(options.run, SessionMode{options.dry_run, rules, keeps_files && !options.watch}, fail_points);
  return session.execute([&](RunContext& context) { ingest_into(options, context); });
}

}  // namespace sluice
