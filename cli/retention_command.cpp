#include "retention_command.hpp"

#include <fmt/format.h>

#include <iostream>
#include <regex>

#include "core/errors.hpp"
#include "load/pg_session.hpp"
#include "load/retention.hpp"
#include "load/schema.hpp"
#include "load/sql_names.hpp"
#include "run/run_session.hpp"

namespace sluice {
namespace {

// The first year kept: retention drops whole year partitions, those ending on or before the date.
int first_kept_year(const std::string& before) {
  static const std::regex kDate(R"((\d{4})(-(\d{2})-(\d{2}))?)");
  std::smatch match;
  if (!std::regex_match(before, match, kDate))
    throw UsageError(fmt::format("retention: --before wants a date YYYY-MM-DD or a year YYYY; got \"{}\"", before));
  if (match[2].matched) {
    const int month = std::stoi(match[3]), day = std::stoi(match[4]);
    if (month < 1 || month > 12 || day < 1 || day > 31)
      throw UsageError(fmt::format("retention: --before {}: no such date", before));
  }
  return std::stoi(match[1]);
}

void print_report(const RetentionReport& report, const std::string& before) {
  std::cout << fmt::format(
      "retention before {}: {} the years before {} (whole years only: rows from {}-01-01 on are "
      "kept)\n",
      before, report.applied ? "dropped" : "would drop", report.first_kept_year, report.first_kept_year);
  if (report.dropped.empty()) std::cout << "  nothing to drop\n";
  for (const RetentionYear& year : report.dropped)
    std::cout << fmt::format("  {}: {} readings, {} aggregate contributions, from {} files\n", year.year, year.readings,
                             year.contributions, year.files);
  std::cout << fmt::format(
      "  {} files {} expired (listed again, they are skipped; --force reloads them), {} of their "
      "rejects {}\n",
      report.files_expired, report.applied ? "are now" : "would become", report.rejects,
      report.applied ? "deleted" : "would be deleted");
  if (report.files_straddling > 0)
    std::cout << fmt::format(
        "  {} files have rows on both sides of {}-01-01: they keep their later rows and stay "
        "loaded\n",
        report.files_straddling, report.first_kept_year);
  if (!report.applied && !report.dropped.empty()) std::cout << "dry run: nothing changed; add --yes to drop\n";
}

}  // namespace

void add_retention_command(CLI::App& app, RetentionOptions& options, int& exit_code) {
  CLI::App* command = app.add_subcommand(
      "retention", "Drop whole years of readings, their aggregates and rejects; their files become `expired`");
  add_database_options(*command, options.database);
  command->add_option("--before", options.before, "drop the years that end on or before this date (YYYY-MM-DD or YYYY)")
      ->required();
  command->add_flag("--yes", options.yes, "drop (without it: a dry run that prints what would be dropped)");
  command->callback([&options, &exit_code] {
    const int year = first_kept_year(options.before);
    Logger logger(parse_log_format(options.database.log_format));
    const Config config = effective_config(options.database.config_path, options.database.schema);
    auto session = connect_with_retries(options.database.db, RetryPolicy{}, logger);
    init_schema(session->connection(), config);
    const SqlNames names(session->connection(), config);
    print_report(run_retention(session->connection(), names, year, options.yes), options.before);
    exit_code = 0;
  });
}

}  // namespace sluice
