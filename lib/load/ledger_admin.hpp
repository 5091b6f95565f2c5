#pragma once
// What `sluice status` shows of the ledger and what `sluice retry` changes in it.
#include <pqxx/pqxx>

#include <cstdint>
#include <string>
#include <vector>

#include "core/file_ref.hpp"
#include "load/sql_names.hpp"

namespace sluice {

struct LedgerStateCount {
  std::string state;
  std::int64_t files = 0, rows_loaded = 0, rows_rejected = 0, bytes = 0;
};

struct LedgerProblem {
  std::string uri, state, error, updated_at;
  int attempts = 0;
  bool earlier_rows_kept = false;  ///< a failed new version: the rows of the version before it are still stored
};

struct RunRow {
  std::string run_id, started_at, status, exit_code, shard, host;
  std::int64_t files_loaded = 0, files_skipped = 0, files_failed = 0, rows_loaded = 0, rows_rejected = 0;
};

struct LedgerReport {
  std::vector<LedgerStateCount> by_state;
  std::vector<LedgerProblem> problems;  ///< failed and given-up files, newest first, at most `limit`
  std::int64_t problems_total = 0;
  std::vector<RunRow> runs;  ///< the last five runs
};

LedgerReport read_ledger_report(pqxx::connection& connection, const SqlNames& names, int limit);

/// Which failed files `sluice retry` makes eligible again.
struct RetrySelection {
  std::vector<std::string> uris;  ///< these (failed or given up)
  bool all_given_up = false;
  bool all_failed = false;  ///< every failed and given-up file
};

/// Makes the selected files eligible again with their attempts reset; returns them as the ledger names them
/// (local files by path and recorded mtime, S3 objects by uri and ETag; unusable Kafka messages are left out:
/// there is no file to read again).
std::vector<FileRef> retry_files(pqxx::connection& connection, const SqlNames& names, const RetrySelection& selection);

}  // namespace sluice
