#pragma once
// `sluice schema migrate`: brings a schema made by an earlier sluice to kSchemaVersion, step by step, each
// step in one transaction, without losing a row.
#include <pqxx/pqxx>

#include "config/config.hpp"

namespace sluice {

struct MigrationReport {
  int from = 0;  ///< the version found
  int to = 0;    ///< the version now
  double seconds = 0;
  std::int64_t ledger_rows = 0;  ///< rows of the file ledger carried over
};

/// Migrates the config's schema (which must exist) to kSchemaVersion. Throws UsageError when there is no
/// such schema or it is newer than this sluice.
MigrationReport migrate_schema(pqxx::connection& connection, const Config& config);

}  // namespace sluice
