#pragma once
// A load unit: one or more whole files committed in one transaction, with their rejects, aggregate
// contributions and ledger rows. A crash at any point leaves each file fully loaded or not at all.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/file_outcome.hpp"
#include "load/committed_files.hpp"
#include "load/pg_session.hpp"
#include "load/sql_names.hpp"
#include "parse/parsed_file.hpp"
#include "pipeline/ledger_rules.hpp"
#include "pipeline/unit_sink.hpp"

namespace sluice {

/// Commits part of a unit, or fails some of its files whatever they parsed to: how a unit whose data
/// PostgreSQL refuses is split up (PgSink).
struct UnitMask {
  std::vector<bool> excluded;         ///< not part of this transaction (their outcome is meaningless)
  std::vector<std::string> failures;  ///< non-empty: the file fails with this reason, none of its rows written
};

class UnitLoader {
 public:
  /// `async_commits` (may be null): the loads commit without waiting for their WAL to reach disk, and each
  /// committed transaction's ledger rows are added there (PgTarget::confirm_durable checks them at the end).
  UnitLoader(const SqlNames& names, std::int64_t run_id, LedgerRules rules, CommittedFiles* async_commits = nullptr);

  /// Commits `files` in one transaction and returns one outcome per file, following the ledger's rules
  /// (ledger_rules.hpp) against each uri's current row, read under the uri's advisory lock: files another
  /// process committed meanwhile are skipped, a new version replaces the stored rows only when it loads, a
  /// failure counts an attempt. Throws on any database error; the transaction is then rolled back and may be
  /// retried.
  /// `direct_year`: every row lies in that year and its partition is sluice's own, so the rows are COPYed
  /// into it directly (no partition routing per row); 0: into readings.
  std::vector<FileOutcome> load(PgSession& session, const std::vector<ParsedFile>& files,
                                const UnitMask* mask = nullptr, int direct_year = 0) const;

  /// A year a streamed file reached whose partitions are not known to exist: the transaction was rolled back
  /// (DDL cannot run while the COPY holds the table); make them and load the file again.
  struct MissingYears {
    std::vector<int> years;
  };
  /// Loads one file from `stream` in one transaction, its COPY fed piece by piece as the file is
  /// parsed: the first piece is parsed before the transaction starts (a file the ledger skips is read no further),
  /// and `ensure_years` makes the partitions of the years it needs. A later year `year_ready` does not know
  /// throws MissingYears. A file that turns out unloadable throws FileError (rolled back); any database error is
  /// thrown as by load().
  FileOutcome load_stream(PgSession& session, ParsedFile& file, RowStream& stream,
                          const std::function<bool(int)>& year_ready,
                          const std::function<void(const std::vector<int>&)>& ensure_years) const;

 private:
  struct Decision {
    std::vector<FileOutcome> outcomes;
    std::vector<CommitStep> steps;
    std::vector<std::int64_t> current_ids;   ///< per file: the current row's file_id, 0 when none
    std::vector<std::int64_t> replaced_ids;  ///< file ids whose stored rows are replaced
  };
  Decision decide(pqxx::work& txn, const std::vector<ParsedFile>& files, const UnitMask* mask) const;
  void replace_earlier(pqxx::work& txn, const std::vector<std::int64_t>& old_ids) const;
  void copy_rows(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                 const std::vector<FileOutcome>& outcomes, int direct_year) const;
  void copy_contributions(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                          const std::vector<FileOutcome>& outcomes) const;
  /// Returns the file ids of the ledger rows written or updated.
  std::vector<std::int64_t> write_ledger(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                                         const Decision& decision) const;
  /// Starts a load transaction: without waiting for its commit to reach disk when async_commits_ is set.
  void begin_load(pqxx::work& txn) const;
  /// After a load transaction committed.
  void committed(const std::vector<std::int64_t>& ledger_ids) const;

  const SqlNames& names_;
  LedgerRules rules_;
  std::int64_t run_id_;  ///< 0: no runs row (the ledger's run_id is NULL)
  CommittedFiles* async_commits_;
  std::string ledger_copy_sql_, history_sql_, failure_sql_;
};

}  // namespace sluice
