#include "admin_commands.hpp"

#include <fmt/format.h>

#include <iostream>

#include "load/pg_session.hpp"
#include "run/run_session.hpp"
#include "load/schema.hpp"
#include "load/sql_names.hpp"

namespace sluice {
namespace {

void print_ledger(pqxx::connection& connection, const SqlNames& names) {
  pqxx::nontransaction txn(connection);
  const pqxx::result files =
      txn.exec(fmt::format("SELECT status, count(*), coalesce(sum(rows_loaded), 0), coalesce(sum(rows_rejected), 0), "
                           "coalesce(sum(size), 0) FROM {} GROUP BY status ORDER BY status",
                           names.files));
  std::cout << "files by status:\n";
  if (files.empty()) std::cout << "  (none yet)\n";
  for (const auto& row : files)
    std::cout << fmt::format("  {:<8} {:>10} files {:>14} rows loaded {:>10} rejected {:>14} bytes\n", row[0].c_str(),
                             row[1].as<std::int64_t>(), row[2].as<std::int64_t>(), row[3].as<std::int64_t>(),
                             row[4].as<std::int64_t>());
  const pqxx::result failed = txn.exec(
      fmt::format("SELECT uri, error FROM {} WHERE status = 'failed' ORDER BY loaded_at DESC LIMIT 10", names.files));
  if (!failed.empty()) std::cout << "latest failed files:\n";
  for (const auto& row : failed) std::cout << fmt::format("  {}: {}\n", row[0].c_str(), row[1].c_str());
  const pqxx::result runs = txn.exec(fmt::format(
      "SELECT run_id, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS'), status, coalesce(exit_code::text, '-'), "
      "coalesce(shard, ''), coalesce(files_loaded, 0), coalesce(files_skipped, 0), coalesce(files_failed, 0), "
      "coalesce(rows_loaded, 0), coalesce(rows_rejected, 0), host "
      "FROM {} ORDER BY run_id DESC LIMIT 5",
      names.runs));
  std::cout << "last runs:\n";
  for (const auto& row : runs)
    std::cout << fmt::format(
        "  #{} {} {} (exit {}) shard {} on {}: {} loaded, {} skipped, {} failed files; {} rows, {} rejected\n",
        row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str(), row[4].c_str(), row[10].c_str(), row[5].c_str(),
        row[6].c_str(), row[7].c_str(), row[8].c_str(), row[9].c_str());
}

}  // namespace

void add_schema_command(CLI::App& app, DatabaseOptions& options, int& exit_code) {
  CLI::App* schema = app.add_subcommand("schema", "Create or show sluice's PostgreSQL tables");
  schema->require_subcommand(1);
  CLI::App* init = schema->add_subcommand("init", "create the schema, tables and indexes (idempotent)");
  CLI::App* show = schema->add_subcommand("show", "print the DDL that init runs");
  add_database_options(*init, options);
  add_database_options(*show, options);
  init->callback([&options, &exit_code] {
    Logger logger(parse_log_format(options.log_format));
    const Config config = effective_config(options.config_path, options.schema);
    auto session = connect_with_retries(options.db, RetryPolicy{}, logger);
    init_schema(session->connection(), config);
    std::cout << fmt::format("schema {} is ready\n", SqlNames(session->connection(), config).schema);
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
    print_ledger(session->connection(), SqlNames(session->connection(), config));
    exit_code = 0;
  });
}

}  // namespace sluice
