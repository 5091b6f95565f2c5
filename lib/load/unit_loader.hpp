#pragma once
// A load unit: one or more whole files committed in one transaction, with their rejects, aggregate
// deltas and ledger rows. A crash at any point leaves each file fully loaded or not at all.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/file_outcome.hpp"
#include "load/pg_session.hpp"
#include "load/sql_names.hpp"
#include "parse/parsed_file.hpp"

namespace sluice {

class UnitLoader {
 public:
  UnitLoader(const Config& config, const SqlNames& names, std::int64_t run_id, bool force);

  /// SQL to run once on each new connection (the unit's temp tables).
  [[nodiscard]] std::string session_setup_sql() const;

  /// Commits `files` in one transaction and returns one outcome per file. Files another process
  /// committed meanwhile (same uri, size and etag in the ledger) are skipped under the uri's advisory
  /// lock. Throws on any database error; the transaction is then rolled back and may be retried.
  std::vector<FileOutcome> load(PgSession& session, const std::vector<ParsedFile>& files) const;

 private:
  std::vector<FileOutcome> decide(pqxx::work& txn, const std::vector<ParsedFile>& files,
                                  std::vector<std::int64_t>& replaced_ids) const;
  void replace_earlier(pqxx::work& txn, const std::vector<std::int64_t>& old_ids) const;
  void copy_rows(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                 const std::vector<FileOutcome>& outcomes) const;
  void merge_aggregates(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                        const std::vector<FileOutcome>& outcomes, bool recompute) const;
  void write_ledger(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                    const std::vector<FileOutcome>& outcomes) const;

  const Config& config_;
  const SqlNames& names_;
  bool force_;
  std::string upsert_sql_, recompute_sql_, ledger_sql_;
};

/// A PostgreSQL array literal of text values ('{"a","b"}'), escaped for array input.
std::string text_array_literal(const std::vector<std::string>& values);

}  // namespace sluice
