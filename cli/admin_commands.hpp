#pragma once
#include <CLI/CLI.hpp>

#include <CLI/CLI.hpp>

#include "shared_options.hpp"

namespace sluice {

struct RetryOptions {
  DatabaseOptions database;
  std::vector<std::string> uris;
  bool all_given_up = false;
};

/// `sluice schema init|show|migrate`, `sluice status` and `sluice retry`.
void add_schema_command(CLI::App& app, DatabaseOptions& options, int& exit_code);
void add_status_command(CLI::App& app, DatabaseOptions& options, int& exit_code);
void add_retry_command(CLI::App& app, RetryOptions& options, int& exit_code);

}  // namespace sluice
