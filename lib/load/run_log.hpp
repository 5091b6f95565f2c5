#pragma once
// The runs table: one row per invocation, written at the start and completed at the end.
#include <pqxx/pqxx>

#include <cstdint>
#include <string>

#include "core/run_stats.hpp"
#include "load/sql_names.hpp"

namespace sluice {

/// Inserts a 'running' row; `args` must already have its secrets removed. Returns the run id.
std::int64_t start_run(pqxx::connection& connection, const SqlNames& names, const std::string& args,
                       const std::string& shard);

/// Completes the row with the counts, the status and the exit code.
void finish_run(pqxx::connection& connection, const SqlNames& names, std::int64_t run_id, const RunStats& stats,
                const std::string& status, int exit_code);

}  // namespace sluice
