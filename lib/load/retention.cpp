#include "load/retention.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "load/aggregate_store.hpp"
#include "load/readings_store.hpp"
#include "load/schema.hpp"

namespace sluice {
namespace {

// The first kept year's start, as an SQL timestamptz.
std::string cutoff_sql(int first_kept_year) {
  return fmt::format("'{:04}-01-01 00:00:00+00'::timestamptz", first_kept_year);
}

std::vector<int> contribution_years(pqxx::work& txn, const SqlNames& names) {
  std::vector<int> years;
  for (const auto& row : txn.exec_params("SELECT substr(c.relname, length('file_hourly_') + 1)::int FROM pg_inherits i "
                                         "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass "
                                         "AND c.relname ~ '^file_hourly_[0-9]{4}$' ORDER BY 1",
                                         names.file_hourly))
    years.push_back(row[0].as<int>());
  return years;
}

// A year's readings, contributions and files as the aggregate store counts them: file_hourly's partition, and in
// the blocks layout the aggregates the blocks of the year carry.
RetentionYear measure_year(pqxx::work& txn, const SqlNames& names, int year) {
  RetentionYear out;
  out.year = year;
  std::string parts;
  if (txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", names.file_hourly_partition(year))[0].as<bool>())
    parts = fmt::format("SELECT file_id, rows FROM {}", names.file_hourly_partition(year));
  if (names.layout == StorageLayout::blocks &&
      txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", names.blocks_partition(year))[0].as<bool>())
    parts += fmt::format("{}SELECT file_id, coalesce(\"agg:rows\", n) FROM {} WHERE \"agg:hour\" IS NOT NULL",
                         parts.empty() ? "" : " UNION ALL ", names.blocks_partition(year));
  if (parts.empty()) return out;
  const pqxx::row row = txn.exec1(fmt::format(
      "SELECT coalesce(sum(rows), 0)::bigint, count(*), count(DISTINCT file_id) FILTER (WHERE file_id <> 0) "
      "FROM ({}) c",
      parts));
  out.readings = row[0].as<std::int64_t>();
  out.contributions = row[1].as<std::int64_t>();
  out.files = row[2].as<std::int64_t>();
  return out;
}

// Files with rows before the cutoff, split into those with none after it (expired) and the others. A file's
// hours are in its ledger row, and (for a file loaded before ledger rows kept them, or when no block carries them)
// in its contributions.
void classify_files(pqxx::work& txn, const SqlNames& names, int first_kept_year, RetentionReport& report,
                    std::vector<std::int64_t>& expired) {
  const std::string cutoff = cutoff_sql(first_kept_year);
  for (const auto& row : txn.exec(fmt::format(
           "WITH old AS (SELECT file_id FROM {0} WHERE hour < {1} AND file_id <> 0 "
           "UNION SELECT file_id FROM {2} WHERE hours && tstzrange(NULL, {1})) "
           "SELECT o.file_id, EXISTS (SELECT 1 FROM {0} k WHERE k.file_id = o.file_id AND k.hour >= {1}) "
           "OR EXISTS (SELECT 1 FROM {2} f WHERE f.file_id = o.file_id AND f.hours && tstzrange({1}, NULL)) FROM old o",
           names.file_hourly, cutoff, names.files))) {
    if (row[1].as<bool>())
      report.files_straddling += 1;
    else
      expired.push_back(row[0].as<std::int64_t>());
  }
  std::sort(expired.begin(), expired.end());
}

RetentionReport retention_once(pqxx::connection& connection, const SqlNames& names, int first_kept_year, bool apply) {
  RetentionReport report;
  report.first_kept_year = first_kept_year;
  pqxx::work txn(connection);
  if (apply) {
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", kDdlLockKey);
    // No unit may commit rows of a dropped year between the look below and the drop.
    txn.exec(fmt::format("LOCK TABLE {}, {} IN ACCESS EXCLUSIVE MODE", names.readings, names.file_hourly));
  }
  std::vector<int> years = readings_years(txn, names);
  for (int year : contribution_years(txn, names)) years.push_back(year);
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  std::erase_if(years, [&](int year) { return year >= first_kept_year; });
  for (int year : years) report.dropped.push_back(measure_year(txn, names, year));
  std::vector<std::int64_t> expired;
  classify_files(txn, names, first_kept_year, report, expired);
  const std::string ids = fmt::format("{{{}}}", fmt::join(expired, ","));
  report.rejects =
      txn.exec_params1(fmt::format("SELECT count(*) FROM {} WHERE file_id = ANY($1::bigint[])", names.rejects), ids)[0]
          .as<std::int64_t>();
  report.files_expired =
      txn.exec_params1(fmt::format("SELECT count(*) FROM {} WHERE file_id = ANY($1::bigint[]) AND status IN "
                                   "('loaded', 'failed', 'given_up')",
                                   names.files),
                       ids)[0]
          .as<std::int64_t>();
  if (!apply) return report;
  // The current row keeps its uri, version and counts; it no longer has stored rows.
  txn.exec_params(fmt::format("UPDATE {} SET status = 'expired', stored_size = NULL, stored_etag = NULL, "
                              "dispose_pending = false, error = $2, updated_at = now() "
                              "WHERE file_id = ANY($1::bigint[]) AND status IN ('loaded', 'failed', 'given_up')",
                              names.files),
                  ids, fmt::format("retention: its rows (before {}) were dropped", first_kept_year));
  txn.exec_params(fmt::format("DELETE FROM {} WHERE file_id = ANY($1::bigint[])", names.rejects), ids);
  // The ledger's hours lose the dropped years, history rows' too (a disposed file's readings stayed stored until
  // now): an expired file keeps none, a straddling one its later hours, so a later run counts neither again.
  txn.exec(fmt::format("UPDATE {0} SET hours = nullif(hours - tstzmultirange(tstzrange(NULL, {1})), '{{}}') "
                       "WHERE hours && tstzrange(NULL, {1})",
                       names.files, cutoff_sql(first_kept_year)));
  for (int year : years) {
    drop_contributions_year(txn, names, year);
    drop_readings_year(txn, names, year);
  }
  txn.commit();
  report.applied = true;
  return report;
}

}  // namespace

RetentionReport run_retention(pqxx::connection& connection, const SqlNames& names, int first_kept_year, bool apply) {
  for (int attempt = 1;; ++attempt) {
    try {
      return retention_once(connection, names, first_kept_year, apply);
    } catch (const pqxx::sql_error& error) {
      // A loading run that took its locks in the other order: PostgreSQL aborts one of the two, maybe us.
      if (error.sqlstate() != "40P01" || attempt == 3) throw;
    }
  }
}

}  // namespace sluice
