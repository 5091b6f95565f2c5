#pragma once
#include <CLI/CLI.hpp>

#include <CLI/CLI.hpp>

#include "shared_options.hpp"

namespace sluice {

struct RetryOptions {
  DatabaseOptions database;
  std::vector<std::string> uris;
  bool all_given_up = false;
  bool all_failed = false;
  std::string manifest;  ///< write the files as a manifest for `sluice ingest @FILE`
};

/// `sluice schema init|show|migrate`, `sluice status` and `sluice retry`.
void add_schema_command(CLI::App& app, DatabaseOptions& options, int& exit_code);
void add_status_command(CLI::App& app, DatabaseOptions& options, int& exit_code);
void add_retry_command(CLI::App& app, RetryOptions& options, int& exit_code);

}  // namespace sluice
