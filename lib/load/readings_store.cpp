#include "load/readings_store.hpp"

#include <fmt/format.h>

#include "load/block_schema.hpp"

namespace sluice {

bool create_readings_year(pqxx::work& txn, const SqlNames& names, int year) {
  if (names.layout == StorageLayout::blocks) {
    if (!txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", names.blocks_partition(year))[0].as<bool>())
      txn.exec(blocks_partition_ddl(names, year));
    return false;  // a unit's blocks and loose readings are routed by their parents
  }
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
  // Blocks layout: the rows a unit COPYs are the readings of sensor-hours too small for a block.
  if (names.layout == StorageLayout::blocks) return names.loose_readings;
  return direct ? names.partition(year) : names.readings;
}

std::string readings_index_ddl(const SqlNames& names) {
  return fmt::format("CREATE INDEX IF NOT EXISTS readings_ts_file_id_brin ON {} USING brin ({}, file_id)",
                     names.readings, names.ts);
}

namespace {

// `column` within any of `spans`, with constant bounds (to_timestamp of whole seconds is immutable), so
// partitions are pruned at plan time and the time index reads only the file's hours.
std::string within(const std::string& column, const std::vector<TimeSpan>& spans) {
  std::string ranges;
  for (const TimeSpan& span : spans)
    ranges += fmt::format("{}({} >= to_timestamp({}) AND {} < to_timestamp({}))", ranges.empty() ? "" : " OR ",
                          column, span.begin_micros / 1'000'000, column, span.end_micros / 1'000'000);
  return ranges;
}

}  // namespace

std::int64_t delete_file_readings(pqxx::work& txn, const SqlNames& names, std::int64_t file_id,
                                  const std::vector<TimeSpan>& spans) {
  if (spans.empty()) return 0;
  if (names.layout == StorageLayout::rows)
    return txn
        .exec(fmt::format("DELETE FROM {} WHERE file_id = {} AND ({})", names.readings, file_id,
                          within(names.ts, spans)))
        .affected_rows();
  // A block lies in one sensor-hour, which starts at or before its first ts: its first ts is within the span.
  const std::int64_t blocks =
      txn.exec(fmt::format("DELETE FROM {} WHERE file_id = {} AND ({})", names.blocks, file_id,
                           within("first_ts", spans)))
          .affected_rows();
  return blocks + txn.exec(fmt::format("DELETE FROM {} WHERE file_id = {} AND ({})", names.loose_readings, file_id,
                                       within(names.ts, spans)))
                      .affected_rows();
}

bool drop_readings_year(pqxx::work& txn, const SqlNames& names, int year) {
  bool dropped = false;
  const std::vector<std::string> partitions =
      names.layout == StorageLayout::blocks
          ? std::vector<std::string>{names.blocks_partition(year), names.loose_partition(year)}
          : std::vector<std::string>{names.partition(year)};
  for (const std::string& partition : partitions) {
    if (!txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", partition)[0].as<bool>()) continue;
    txn.exec(fmt::format("DROP TABLE {}", partition));
    dropped = true;
  }
  return dropped;
}

std::vector<int> readings_years(pqxx::transaction_base& txn, const SqlNames& names) {
  std::vector<int> years;
  const bool blocks = names.layout == StorageLayout::blocks;
  const std::string prefix = blocks ? "blocks_" : "readings_";
  for (const auto& row : txn.exec_params("SELECT substr(c.relname, length($2) + 1)::int FROM pg_inherits i "
                                         "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass "
                                         "AND c.relname ~ ('^' || $2 || '[0-9]{4}$') ORDER BY 1",
                                         blocks ? names.blocks : names.readings, prefix))
    years.push_back(row[0].as<int>());
  return years;
}

}  // namespace sluice
