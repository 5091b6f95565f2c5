#pragma once
// The load stage against PostgreSQL: partitions off the hot path, then each unit in one transaction
// with retries on transient faults.
#include <mutex>
#include <set>

#include "core/logger.hpp"
#include "core/retry.hpp"
#include "core/run_stats.hpp"
#include "load/connection_pool.hpp"
#include "load/unit_loader.hpp"
#include "pipeline/unit_sink.hpp"

namespace sluice {

class PgSink final : public UnitSink {
 public:
  PgSink(ConnectionPool& pool, const UnitLoader& loader, const SqlNames& names, RetryPolicy retry, Logger& logger,
         RunStats& stats)
      : pool_(pool), loader_(loader), names_(names), retry_(retry), logger_(logger), stats_(stats) {}

  std::vector<FileOutcome> commit(const std::vector<ParsedFile>& files) override;
  FileOutcome commit_stream(ParsedFile& file, RowStream& stream) override;

 private:
  /// Returns the year all the files' rows lie in when its readings partition is sluice's own, else 0.
  int ensure_partitions_for(PgSession& session, const std::vector<ParsedFile>& files);
  void ensure_years(PgSession& session, const std::vector<int>& years);
  bool year_ready(int year);
  void forget_partitions();
  /// The file failed (`reason`), or PostgreSQL refused its data: its ledger row says so, no row of it is written.
  FileOutcome commit_failure(ParsedFile& file, const std::string& reason);

  ConnectionPool& pool_;
  const UnitLoader& loader_;
  const SqlNames& names_;
  RetryPolicy retry_;
  Logger& logger_;
  RunStats& stats_;
  std::mutex partitions_mutex_;
  bool partitions_listed_ = false;  ///< partitions_ready_ holds every year whose partitions existed then
  std::set<int> partitions_ready_;
  std::set<int> own_years_;  ///< years whose readings partition sluice made
};

}  // namespace sluice
