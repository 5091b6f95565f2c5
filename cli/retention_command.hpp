#pragma once
#include <CLI/CLI.hpp>

#include "shared_options.hpp"

namespace sluice {

struct RetentionOptions {
  DatabaseOptions database;
  std::string before;  ///< YYYY-MM-DD or YYYY: whole years before it are dropped
  bool yes = false;    ///< drop; without it, a dry run that only prints
};

/// `sluice retention --before DATE [--yes]`.
void add_retention_command(CLI::App& app, RetentionOptions& options, int& exit_code);

}  // namespace sluice
