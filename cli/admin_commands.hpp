#pragma once
#include <CLI/CLI.hpp>

#include <CLI/CLI.hpp>

#include "shared_options.hpp"

namespace sluice {

/// `sluice schema init|show` and `sluice status`.
void add_schema_command(CLI::App& app, DatabaseOptions& options, int& exit_code);
void add_status_command(CLI::App& app, DatabaseOptions& options, int& exit_code);

}  // namespace sluice
