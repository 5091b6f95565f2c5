#pragma once
// The runs table: one row per invocation, written at the start and completed at the end.
#include <pqxx/pqxx>

#include <cstdint>
#include <string>
#include <vector>

#include "core/run_stats.hpp"
#include "load/sql_names.hpp"

namespace sluice {

struct RunStart {
  std::int64_t run_id = 0;
  std::string server_started;  ///< pg_postmaster_start_time() as text: it changes when the server restarts
};

/// Inserts a 'running' row; `args` must already have its secrets removed.
RunStart start_run(pqxx::connection& connection, const SqlNames& names, const std::string& args,
                   const std::string& shard);

/// Records the counts so far in a transaction whose commit waits for its WAL to reach disk, and with it every
/// earlier commit's. Returns pg_postmaster_start_time() as text.
std::string record_progress_durably(pqxx::connection& connection, const SqlNames& names, std::int64_t run_id,
                                    const RunStats& stats);

/// How many of `file_ids` have a ledger row that names `run_id`.
std::int64_t ledger_rows_of_run(pqxx::connection& connection, const SqlNames& names, std::int64_t run_id,
                                const std::vector<std::int64_t>& file_ids);

/// Completes the row with the counts, the status and the exit code.
void finish_run(pqxx::connection& connection, const SqlNames& names, std::int64_t run_id, const RunStats& stats,
                const std::string& status, int exit_code);

}  // namespace sluice
