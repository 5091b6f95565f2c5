#pragma once
#include <CLI/CLI.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace sluice {

struct InferCommandOptions {
  std::vector<std::string> files;
  std::size_t rows = 10'000;  ///< data rows read from each file
  bool quiet = false;         ///< no notes on stderr
};

/// `sluice infer FILE... [--rows N]`: prints a config (JSON) guessed from samples of the files.
void add_infer_command(CLI::App& app, InferCommandOptions& options, int& exit_code);

}  // namespace sluice
