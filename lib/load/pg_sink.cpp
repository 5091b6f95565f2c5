#include "load/pg_sink.hpp"

#include <fmt/format.h>

#include "load/schema.hpp"

namespace sluice {

void PgSink::ensure_partitions_for(PgSession& session, const std::vector<ParsedFile>& files) {
  std::vector<int> missing;
  {
    std::lock_guard lock(partitions_mutex_);
    for (const ParsedFile& file : files)
      for (int year : file.years)
        if (!partitions_ready_.contains(year) && std::find(missing.begin(), missing.end(), year) == missing.end())
          missing.push_back(year);
  }
  if (missing.empty()) return;
  ensure_partitions(session.connection(), names_, missing);
  std::lock_guard lock(partitions_mutex_);
  partitions_ready_.insert(missing.begin(), missing.end());
}

std::vector<FileOutcome> PgSink::commit(const std::vector<ParsedFile>& files) {
  ConnectionPool::Lease lease = pool_.acquire();
  const std::string what = files.size() == 1
                               ? fmt::format("loading {}", files.front().ref.uri)
                               : fmt::format("loading {} files ({} ...)", files.size(), files.front().ref.uri);
  return with_retries(
      retry_, what, logger_, is_transient_db_error,
      [&] {
        if (!lease.operator->()) lease.reconnect();
        ensure_partitions_for(*lease, files);
        return loader_.load(*lease, files);
      },
      [&] { lease.discard(); }, [&] { stats_.retries += 1; });
}

}  // namespace sluice
