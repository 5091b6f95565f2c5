#pragma once
// Reading and changing ledger rows: the SQL behind the pipeline's Ledger, shared by the planner's lookups
// (PgLedger), the unit loader (under the uris' locks) and the admin commands.
#include <pqxx/pqxx>

#include <string>
#include <unordered_map>
#include <vector>

#include "load/sql_names.hpp"
#include "pipeline/ledger.hpp"

namespace sluice {

/// The current rows (loaded, failed, given_up, expired) of `uris`, by uri.
std::unordered_map<std::string, LedgerRow> current_ledger_rows(pqxx::transaction_base& txn, const SqlNames& names,
                                                               const std::vector<std::string>& uris);

/// A PostgreSQL array literal of text values ('{"a","b"}'), escaped for array input.
std::string text_array_literal(const std::vector<std::string>& values);

}  // namespace sluice
