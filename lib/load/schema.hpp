#pragma once
// sluice's PostgreSQL objects (README.md, "Tables"), created idempotently and checked against the config.
#include <pqxx/pqxx>

#include <string>

#include "config/config.hpp"
#include "load/sql_names.hpp"

namespace sluice {

/// Creates the schema, tables, sequence and indexes if missing (safe to run concurrently: it holds
/// an advisory lock), then checks that an existing `readings` has the configured columns.
/// Throws FatalError on a mismatch.
void init_schema(pqxx::connection& connection, const Config& config);

/// The DDL init_schema runs, for `sluice schema show`.
std::string schema_ddl(const SqlNames& names, const Config& config);

/// Creates the yearly partitions of readings for `years` that do not exist yet.
void ensure_partitions(pqxx::connection& connection, const SqlNames& names, const std::vector<int>& years);

}  // namespace sluice
