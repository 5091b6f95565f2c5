#include "load/readings_store.hpp"

#include <fmt/format.h>

namespace sluice {

bool create_readings_year(pqxx::work& txn, const SqlNames& names, int year) {
  const std::string partition = names.partition(year);
  if (txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", partition)[0].as<bool>()) return true;
  // A DBA may have partitioned the year their own way (by month, say): then their partitions take the rows, and
  // a row none takes fails its file (no partition for the row), instead of this failing every file of the run.
  pqxx::subtransaction attempt(txn, "create_readings_year");
  try {
    attempt.exec(fmt::format(
        "CREATE TABLE {} PARTITION OF {} FOR VALUES FROM ('{:04}-01-01 00:00:00+00') TO ('{:04}-01-01 00:00:00+00')",
        partition, names.readings, year, year + 1));
    attempt.commit();
    return true;
  } catch (const pqxx::sql_error& error) {
    if (error.sqlstate() != "42P17") throw;  // "would overlap partition ..."
    attempt.abort();
    return false;
  }
}

std::string readings_copy_target(const SqlNames& names, int year, bool direct) {
  return direct ? names.partition(year) : names.readings;
}

std::string readings_index_ddl(const SqlNames& names) {
  return fmt::format("CREATE INDEX IF NOT EXISTS readings_ts_file_id_brin ON {} USING brin ({}, file_id)",
                     names.readings, names.ts);
}

std::int64_t delete_file_readings(pqxx::work& txn, const SqlNames& names, std::int64_t file_id,
                                  const std::vector<TimeSpan>& spans) {
  if (spans.empty()) return 0;
  // Constant bounds (to_timestamp of whole seconds is immutable), so partitions are pruned at plan time and
  // the ts index reads only the file's hours.
  std::string ranges;
  for (const TimeSpan& span : spans)
    ranges += fmt::format("{}({} >= to_timestamp({}) AND {} < to_timestamp({}))", ranges.empty() ? "" : " OR ",
                          names.ts, span.begin_micros / 1'000'000, names.ts, span.end_micros / 1'000'000);
  return txn.exec(fmt::format("DELETE FROM {} WHERE file_id = {} AND ({})", names.readings, file_id, ranges))
      .affected_rows();
}

bool drop_readings_year(pqxx::work& txn, const SqlNames& names, int year) {
  const std::string partition = names.partition(year);
  if (!txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", partition)[0].as<bool>()) return false;
  txn.exec(fmt::format("DROP TABLE {}", partition));
  return true;
}

std::vector<int> readings_years(pqxx::work& txn, const SqlNames& names) {
  std::vector<int> years;
  for (const auto& row : txn.exec_params("SELECT substr(c.relname, length('readings_') + 1)::int FROM pg_inherits i "
                                         "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass "
                                         "AND c.relname ~ '^readings_[0-9]{4}$' ORDER BY 1",
                                         names.readings))
    years.push_back(row[0].as<int>());
  return years;
}

}  // namespace sluice
