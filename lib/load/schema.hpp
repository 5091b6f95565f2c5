#pragma once
// sluice's PostgreSQL objects (README.md, "Tables"), created idempotently and checked against the config.
#include <pqxx/pqxx>

#include <string>

#include "config/config.hpp"
#include "load/sql_names.hpp"

namespace sluice {

/// The version of the tables this sluice writes. Version 1 (sluice 0.1) had no `schema_version` table and
/// a ledger of loaded/failed rows only; every later change of a table is a step in schema_migrate.cpp.
inline constexpr int kSchemaVersion = 3;

/// The states a ledger row can be in (docs/ledger.md), as SQL lists, and the ones that are a uri's current row.
inline constexpr const char* kLedgerStatesSql = "('loaded', 'failed', 'given_up', 'superseded', 'disposed', 'expired')";
inline constexpr const char* kActiveLedgerStatesSql = "('loaded', 'failed', 'given_up', 'expired')";

/// Serialises DDL between concurrent sluice processes (any constant unique to sluice).
inline constexpr std::int64_t kDdlLockKey = 0x5111CE0DD1;

/// The schema's version: 1 for a schema made by sluice 0.1 (no version table).
int schema_version_in(pqxx::work& txn, const SqlNames& names);

/// Creates the schema, tables, sequence and indexes if missing (safe to run concurrently: it holds
/// an advisory lock), then checks that an existing `readings` has the configured columns.
/// Throws FatalError on a mismatch, UsageError when the schema needs `sluice schema migrate`.
void init_schema(pqxx::connection& connection, const Config& config);

/// The DDL init_schema runs, for `sluice schema show`.
std::string schema_ddl(const SqlNames& names, const Config& config);

/// Creates the yearly partitions of readings for `years` that do not exist yet.
void ensure_partitions(pqxx::connection& connection, const SqlNames& names, const std::vector<int>& years);

}  // namespace sluice
