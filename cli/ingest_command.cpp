#include "ingest_command.hpp"

#include "run/ingest_run.hpp"
#include "shared_options.hpp"

namespace sluice {

void add_ingest_command(CLI::App& app, IngestOptions& options, const std::vector<std::string>& argv,
                        const FailPoints& fail_points, int& exit_code) {
  CLI::App* command = app.add_subcommand("ingest", "Load files (folders, files, globs, S3 prefixes) into PostgreSQL");
  command->add_option("sources", options.sources, "folders, files, glob patterns, s3://bucket/prefix, @manifest")
      ->required();
  add_run_options(*command, options.run, "files listed and checked against the ledger at a time");
  command->add_option("--shard", options.shard, "I/N: only files whose stable uri hash mod N is I");
  command->add_flag("--dry-run", options.dry_run, "parse and validate only; write nothing");
  command->add_flag("--force", options.force, "reload files the ledger already holds, replacing their rows");
  command->add_option("--on-success", options.on_success,
                      "after a file commits: keep, move:DIR (archive) or delete (local files)");
  command->add_option("--on-failure", options.on_failure,
                      "for a failed file: keep or move:DIR (quarantine, with DIR/<file>.reason.txt)");
  command->add_flag("--watch", options.watch, "keep running, loading new files as they appear (SIGTERM stops)");
  command->add_option("--interval", options.watch_interval, "with --watch: seconds between listings")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--settle", options.run.source.settle_seconds,
                   "leave files modified in the last S seconds for a later pass (default: 5 with --watch or when "
                   "files are moved or deleted, else 0)")
      ->check(CLI::NonNegativeNumber);
  command->callback([&options, &argv, &fail_points, &exit_code, command] {
    // A file still being written must not be loaded half, and above all not moved or deleted half-loaded.
    const bool moves_files = options.on_success != "keep" || options.on_failure != "keep";
    if ((options.watch || moves_files) && command->count("--settle") == 0) options.run.source.settle_seconds = 5;
    options.run.command_line = redacted_command_line(argv);
    options.run.shard = options.shard.empty() ? "0/1" : options.shard;
    exit_code = run_ingest(options, fail_points);
  });
}

}  // namespace sluice
