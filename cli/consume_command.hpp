#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "core/fail_points.hpp"
#include "run/run_options.hpp"

namespace sluice {

/// Registers `sluice consume`; `exit_code` receives its exit code when it runs.
void add_consume_command(CLI::App& app, ConsumeOptions& options, const std::vector<std::string>& argv,
                         const FailPoints& fail_points, int& exit_code);

}  // namespace sluice
