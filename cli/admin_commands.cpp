#include "admin_commands.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <iostream>
#include <memory>
#include <vector>

#include "core/errors.hpp"

#include "load/blocks_migrate.hpp"
#include "load/ledger_admin.hpp"
#include "load/pg_session.hpp"
#include "load/schema.hpp"
#include "load/schema_migrate.hpp"
#include "load/sql_names.hpp"
#include "run/run_session.hpp"
#include "source/manifest.hpp"

namespace sluice {
namespace {

void print_ledger(const LedgerReport& report) {
  std::cout << "files by status:\n";
  if (report.by_state.empty()) std::cout << "  (none yet)\n";
  for (const LedgerStateCount& state : report.by_state)
    std::cout << fmt::format("  {:<10} {:>10} files {:>14} rows loaded {:>10} rejected {:>14} bytes\n", state.state,
                             state.files, state.rows_loaded, state.rows_rejected, state.bytes);
  if (!report.problems.empty())
    std::cout << fmt::format(
        "failed and given-up files ({} in all; newest first; `sluice retry URI` tries a given-up "
        "one again):\n",
        report.problems_total);
  for (const LedgerProblem& problem : report.problems)
    std::cout << fmt::format("  {} [{}, {} attempt{}, last {}{}]: {}\n", problem.uri, problem.state, problem.attempts,
                             problem.attempts == 1 ? "" : "s", problem.updated_at,
                             problem.earlier_rows_kept ? "; the earlier version's rows are kept" : "", problem.error);
  std::cout << "last runs:\n";
  for (const RunRow& run : report.runs)
    std::cout << fmt::format(
        "  #{} {} {} (exit {}) shard {} on {}: {} loaded, {} skipped, {} failed files; {} rows, {} rejected\n",
        run.run_id, run.started_at, run.status, run.exit_code, run.shard, run.host, run.files_loaded, run.files_skipped,
        run.files_failed, run.rows_loaded, run.rows_rejected);
}

}  // namespace

void add_schema_command(CLI::App& app, DatabaseOptions& options, int& exit_code) {
  CLI::App* schema = app.add_subcommand("schema", "Create or show sluice's PostgreSQL tables");
  schema->require_subcommand(1);
  CLI::App* init = schema->add_subcommand("init", "create the schema, tables and indexes (idempotent)");
  CLI::App* show = schema->add_subcommand("show", "print the DDL that init runs");
  CLI::App* migrate =
      schema->add_subcommand("migrate", "upgrade tables made by an earlier sluice to this version, keeping every row");
  add_database_options(*init, options);
  add_database_options(*show, options);
  add_database_options(*migrate, options);
  migrate->callback([&options, &exit_code] {
    Logger logger(parse_log_format(options.log_format));
    const Config config = effective_config(options.config_path, options.schema);
    auto session = connect_with_retries(options.db, RetryPolicy{}, logger);
    const MigrationReport report = migrate_schema(session->connection(), config);
    if (report.from == report.to)
      std::cout << fmt::format("schema {} is at version {}: nothing to do\n", config.schema, report.to);
    else
      std::cout << fmt::format("schema {} migrated from version {} to {} in {:.2f} s ({} ledger rows kept)\n",
                               config.schema, report.from, report.to, report.seconds, report.ledger_rows);
    if (config.layout == StorageLayout::blocks) {
      const BlocksMigration blocks = migrate_rows_to_blocks(*session, config);
      if (blocks.moved)
        std::cout << fmt::format(
            "schema {}: {} readings moved from rows to blocks in {:.2f} s ({:.2f} s per million readings)\n",
            config.schema, blocks.readings, blocks.seconds,
            blocks.readings > 0 ? blocks.seconds * 1e6 / static_cast<double>(blocks.readings) : 0.0);
      else
        std::cout << fmt::format("schema {} already stores blocks\n", config.schema);
    }
    exit_code = 0;
  });
  // Year partitions made ahead of the loads, e.g. next year's in December: the first load of a year otherwise
  // makes them itself, taking a lock every loader of the schema waits on (tens of ms for the blocks layout).
  auto years = std::make_shared<std::vector<int>>();
  init->add_option("--years", *years, "also create the year partitions of these years (comma-separated)")
      ->delimiter(',')
      ->check(CLI::Range(1, 9999));
  init->callback([&options, &exit_code, years] {
    Logger logger(parse_log_format(options.log_format));
    const Config config = effective_config(options.config_path, options.schema);
    auto session = connect_with_retries(options.db, RetryPolicy{}, logger);
    init_schema(session->connection(), config);
    const SqlNames names(session->connection(), config);
    ensure_partitions(session->connection(), names, *years);
    std::cout << fmt::format("schema {} is ready{}\n", names.schema,
                             years->empty() ? "" : fmt::format(" (year partitions: {})", fmt::join(*years, ", ")));
    exit_code = 0;
  });
  show->callback([&options, &exit_code] {
    Logger logger(parse_log_format(options.log_format));
    const Config config = effective_config(options.config_path, options.schema);
    auto session = connect_with_retries(options.db, RetryPolicy{}, logger);
    std::cout << schema_ddl(SqlNames(session->connection(), config), config);
    exit_code = 0;
  });
}

void add_status_command(CLI::App& app, DatabaseOptions& options, int& exit_code) {
  CLI::App* status = app.add_subcommand("status", "Show the file ledger and the last runs");
  add_database_options(*status, options);
  status->callback([&options, &exit_code] {
    Logger logger(parse_log_format(options.log_format));
    const Config config = effective_config(options.config_path, options.schema);
    auto session = connect_with_retries(options.db, RetryPolicy{}, logger);
    init_schema(session->connection(), config);
    print_ledger(read_ledger_report(session->connection(), SqlNames(session->connection(), config), 50));
    exit_code = 0;
  });
}

void add_retry_command(CLI::App& app, RetryOptions& options, int& exit_code) {
  CLI::App* retry = app.add_subcommand(
      "retry", "Make failed or given-up files eligible again (attempts reset); the next ingest loads them");
  add_database_options(*retry, options.database);
  retry->add_option("uris", options.uris, "file uris as the ledger names them (sluice status lists them)");
  retry->add_flag("--all-given-up", options.all_given_up, "every given-up file");
  retry->add_flag("--all-failed", options.all_failed, "every failed and given-up file");
  retry->add_option("--manifest", options.manifest,
                    "also write the files as a manifest: `sluice ingest @FILE` loads them now (the way to retry files "
                    "a consumer failed, whose offsets are committed)");
  retry->callback([&options, &exit_code] {
    if (options.uris.empty() && !options.all_given_up && !options.all_failed)
      throw UsageError("retry: name URIs or pass --all-given-up or --all-failed");
    Logger logger(parse_log_format(options.database.log_format));
    const Config config = effective_config(options.database.config_path, options.database.schema);
    auto session = connect_with_retries(options.database.db, RetryPolicy{}, logger);
    init_schema(session->connection(), config);
    const std::vector<FileRef> changed =
        retry_files(session->connection(), SqlNames(session->connection(), config),
                    RetrySelection{options.uris, options.all_given_up, options.all_failed});
    for (const FileRef& file : changed) std::cout << fmt::format("will be retried: {}\n", file.uri);
    std::cout << fmt::format("{} files will be retried by the next run\n", changed.size());
    if (!options.manifest.empty()) {
      ManifestWriter writer(options.manifest, "0/1");
      for (const FileRef& file : changed) writer.add(file);
      writer.close();
      std::cout << fmt::format("manifest {}: load them with `sluice ingest @{}`\n", options.manifest, options.manifest);
    }
    exit_code = 0;
    if (!options.uris.empty() && changed.size() < options.uris.size()) {
      std::cerr << "sluice: some uris are not failed or given-up files in the ledger (sluice status lists them)\n";
      exit_code = static_cast<int>(ExitCode::partial);
    }
  });
}

}  // namespace sluice
