#pragma once
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "run/sources.hpp"

namespace sluice {

struct PlanOptions {
  std::vector<std::string> sources;
  SourceOptions source;
  std::uint64_t shards = 0;  ///< 0: print a summary instead of writing manifests
  std::string out;
  std::string log_format = "text";
};

/// `sluice plan SOURCE... [--shards N --out DIR]`: disjoint manifests for fan-out, or a summary.
void add_plan_command(CLI::App& app, PlanOptions& options, int& exit_code);

}  // namespace sluice
