#include "load/pg_sink.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/errors.hpp"
#include "load/schema.hpp"

namespace sluice {

void PgSink::ensure_years(PgSession& session, const std::vector<int>& years) {
  bool listed = false;
  {
    std::lock_guard lock(partitions_mutex_);
    listed = partitions_listed_;
  }
  if (!listed) {
    // Every year whose partitions exist is known from the first: a streamed file that runs on into a later year
    // (a day's file across New Year, a backfill of several years) would otherwise find it unknown halfway through
    // its COPY, and be rolled back and read again from its start only to learn that it was there.
    const PresentPartitions present = listed_partitions(session.connection(), names_);
    std::lock_guard lock(partitions_mutex_);
    partitions_ready_.insert(present.present.begin(), present.present.end());
    own_years_.insert(present.own.begin(), present.own.end());
    partitions_listed_ = true;
  }
  std::vector<int> missing;
  {
    std::lock_guard lock(partitions_mutex_);
    for (int year : years)
      if (!partitions_ready_.contains(year) && std::find(missing.begin(), missing.end(), year) == missing.end())
        missing.push_back(year);
  }
  if (missing.empty()) return;
  const std::vector<int> own = ensure_partitions(session.connection(), names_, missing);
  std::lock_guard lock(partitions_mutex_);
  partitions_ready_.insert(missing.begin(), missing.end());
  own_years_.insert(own.begin(), own.end());
}

// After PostgreSQL refused a file's data: a partition dropped meanwhile is one cause, so look again rather than
// trust what this run made.
void PgSink::forget_partitions() {
  std::lock_guard lock(partitions_mutex_);
  partitions_ready_.clear();
  own_years_.clear();
  partitions_listed_ = false;
}

bool PgSink::year_ready(int year) {
  std::lock_guard lock(partitions_mutex_);
  return partitions_ready_.contains(year);
}

int PgSink::ensure_partitions_for(PgSession& session, const std::vector<ParsedFile>& files) {
  std::vector<int> years;
  for (const ParsedFile& file : files) years.insert(years.end(), file.years.begin(), file.years.end());
  ensure_years(session, years);
  std::lock_guard lock(partitions_mutex_);
  // One year for every file, in a partition of sluice's own: the unit COPYs straight into it.
  int year = 0;
  for (const ParsedFile& file : files)
    for (int file_year : file.years) {
      if (year != 0 && file_year != year) return 0;
      year = file_year;
    }
  return own_years_.contains(year) ? year : 0;
}

std::vector<FileOutcome> PgSink::commit(const std::vector<ParsedFile>& files) {
  ConnectionPool::Lease lease = pool_.acquire();
  const std::string what = files.size() == 1
                               ? fmt::format("loading {}", files.front().ref.uri)
                               : fmt::format("loading {} files ({} ...)", files.size(), files.front().ref.uri);
  auto attempt = [&](const UnitMask* mask) {
    return with_retries(
        retry_, what, logger_, is_transient_db_error,
        [&] {
          PgSession& session = lease.open();
          const int direct_year = ensure_partitions_for(session, files);
          return loader_.load(session, files, mask, direct_year);
        },
        [&] { lease.discard(); }, [&] { stats_.retries += 1; });
  };
  try {
    return attempt(nullptr);
  } catch (const std::exception& error) {
    const std::string reason = data_error_reason(error);
    if (reason.empty()) throw;
    forget_partitions();
    // One file's data made PostgreSQL refuse the unit (rolled back): each file goes again in a transaction of
    // its own, and the one(s) refused are recorded as failed with the server's reason; the run goes on.
    UnitMask mask{std::vector<bool>(files.size(), true), std::vector<std::string>(files.size())};
    std::vector<FileOutcome> outcomes(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
      mask.excluded[i] = false;
      std::string own = files.size() == 1 ? reason : "";  // a file alone: already known to be the one
      if (own.empty()) {
        try {
          outcomes[i] = attempt(&mask)[i];
        } catch (const std::exception& alone) {
          own = data_error_reason(alone);
          if (own.empty()) throw;
        }
      }
      if (!own.empty()) {
        mask.failures[i] = own;
        outcomes[i] = attempt(&mask)[i];
      }
      mask.excluded[i] = true;
      mask.failures[i].clear();
    }
    return outcomes;
  }
}

FileOutcome PgSink::commit_stream(ParsedFile& file, RowStream& stream) {
  std::string failure;
  {
    ConnectionPool::Lease lease = pool_.acquire(ConnectionPool::Need::now);
    try {
      return with_retries(
          retry_, fmt::format("loading {}", file.ref.uri), logger_, is_transient_db_error,
          [&] {
            PgSession& session = lease.open();
            for (;;) {
              try {
                return loader_.load_stream(
                    session, file, stream, [&](int year) { return year_ready(year); },
                    [&](const std::vector<int>& years) { ensure_years(session, years); });
              } catch (const UnitLoader::MissingYears& missing) {  // rolled back: make them, then read it again
                logger_.info(
                    fmt::format("{}: reached year(s) {} mid-file, whose partitions were not known: made them, "
                                "reading the file again",
                                file.ref.uri, fmt::join(missing.years, ", ")));
                ensure_years(session, missing.years);
              }
            }
          },
          [&] { lease.discard(); }, [&] { stats_.retries += 1; });
    } catch (const FileError& error) {
      failure = error.what();
    } catch (const std::exception& error) {
      failure = data_error_reason(error);
      if (failure.empty()) throw;
      forget_partitions();
    }
  }
  return commit_failure(file, failure);
}

FileOutcome PgSink::commit_failure(ParsedFile& file, const std::string& reason) {
  std::vector<ParsedFile> one;
  one.push_back(ParsedFile::unparsed(file.ref, file.file_id));
  one[0].failure = reason;
  std::vector<FileOutcome> outcomes = commit(one);
  file = std::move(one[0]);  // what the summary counts: no row, no reject, the reason
  return outcomes[0];
}

}  // namespace sluice
