#pragma once
// `sluice retention`: drops whole years of data — the readings partition, the aggregate contributions of the
// year, and the rejects of the files whose rows all lay in those years — and keeps those files' ledger rows as
// `expired` tombstones, so that listing such a file again skips it instead of loading old data anew.
#include <pqxx/pqxx>

#include <cstdint>
#include <vector>

#include "load/sql_names.hpp"

namespace sluice {

struct RetentionYear {
  int year = 0;
  std::int64_t readings = 0;       ///< rows of the year (as its contributions count them)
  std::int64_t contributions = 0;  ///< file_hourly rows of the year
  std::int64_t files = 0;          ///< files with rows in the year
};

struct RetentionReport {
  int first_kept_year = 0;
  std::vector<RetentionYear> dropped;  ///< years before first_kept_year that had data
  std::int64_t files_expired = 0;      ///< their ledger rows become `expired`
  std::int64_t rejects = 0;            ///< rejects of the expired files, deleted
  std::int64_t files_straddling = 0;   ///< files with rows on both sides of the cutoff: they keep their later rows
  bool applied = false;                ///< false: a dry run, nothing changed
};

/// Drops every year before `first_kept_year` in one transaction (apply), or reports what that would drop
/// (dry run, nothing changed). A run loading meanwhile waits for it, and is retried if PostgreSQL picks it as
/// a deadlock victim.
RetentionReport run_retention(pqxx::connection& connection, const SqlNames& names, int first_kept_year, bool apply);

}  // namespace sluice
