#pragma once
// sluice's PostgreSQL objects (README.md, "Tables"), created idempotently and checked against the config.
#include <pqxx/pqxx>

#include <string>

#include "config/config.hpp"
#include "load/sql_names.hpp"

namespace sluice {

/// The version of the tables this sluice writes. Version 1 (sluice 0.1) had no `schema_version` table and
/// a ledger of loaded/failed rows only; every later change of a table is a step in schema_migrate.cpp.
inline constexpr int kSchemaVersion = 11;

/// The states a ledger row can be in (docs/ledger.md), as SQL lists, and the ones that are a uri's current row.
inline constexpr const char* kLedgerStatesSql = "('loaded', 'failed', 'given_up', 'superseded', 'disposed', 'expired')";
inline constexpr const char* kActiveLedgerStatesSql = "('loaded', 'failed', 'given_up', 'expired')";

/// Serialises DDL between concurrent sluice processes (any constant unique to sluice).
inline constexpr std::int64_t kDdlLockKey = 0x5111CE0DD1;

/// Throws UsageError (exit 2) when readings or sensor_hourly do not have the columns `config` describes.
void check_readings_match_config(pqxx::work& txn, const SqlNames& names, const Config& config);

/// The schema's version: 1 for a schema made by sluice 0.1 (no version table).
int schema_version_in(pqxx::work& txn, const SqlNames& names);

/// Creates the schema, tables, sequence and indexes if missing (safe to run concurrently: it holds
/// an advisory lock), then checks that an existing `readings` has the configured columns.
/// Throws FatalError on a mismatch, UsageError when the schema needs `sluice schema migrate`.
void init_schema(pqxx::connection& connection, const Config& config);

/// The column type of a config column type in DDL ("timestamptz", "double precision", ...).
std::string sql_type(ColumnType type);

/// The configured columns of readings as "  name type [NOT NULL],\n" lines (readings, loose_readings).
std::string readings_column_ddl(const SqlNames& names, const Config& config);

/// The DDL init_schema runs, for `sluice schema show`.
std::string schema_ddl(const SqlNames& names, const Config& config);

/// Creates the yearly partitions of readings (blocks layout: of blocks and loose_readings) and of file_hourly
/// for `years` that do not exist yet. Returns the years whose readings partition is sluice's own (a unit of one
/// such year can COPY into it directly).
std::vector<int> ensure_partitions(pqxx::connection& connection, const SqlNames& names, const std::vector<int>& years);

/// What ensure_partitions finds without making anything: the years among `years` whose partitions all exist, and
/// those of them whose readings partition is sluice's own.
struct PresentPartitions {
  std::vector<int> present, own;
};
PresentPartitions present_partitions(pqxx::connection& connection, const SqlNames& names,
                                     const std::vector<int>& years);
/// present_partitions of every year that has a readings (blocks layout: blocks) partition by sluice's name.
PresentPartitions listed_partitions(pqxx::connection& connection, const SqlNames& names);

}  // namespace sluice
