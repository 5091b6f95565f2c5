#include "load/aggregate_store.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "parse/aggregate_fields.hpp"

namespace sluice {
namespace {

std::string bound_type(bool integer) { return integer ? "bigint" : "double precision"; }

std::vector<std::pair<std::string, bool>> measures_of(const Config& config) {
  std::vector<std::pair<std::string, bool>> out;
  for (std::size_t index : config.measure_columns)
    out.emplace_back(config.columns[index].name, config.columns[index].type == ColumnType::int8);
  return out;
}

std::string id_array(const std::vector<std::int64_t>& ids) { return fmt::format("{{{}}}", fmt::join(ids, ",")); }


}  // namespace

// `ALTER COLUMN <c> SET STATISTICS 0, ...` of the counts and bounds. No query plan depends on their value
// distributions (only file_id, the sensor and hour are searched or grouped on), and computing them was most of
// autovacuum's ANALYZE of a contributions partition (~250 -> ~90 ms per ANALYZE of 440,000 rows). A partition
// does not inherit the setting, so each gets it when made.
std::string aggregate_statistics_off(const SqlNames& names) {
  std::string out = "ALTER COLUMN rows SET STATISTICS 0";
  for (const auto& m : names.measures)
    for (const std::string* column : {&m.count, &m.min, &m.max, &m.sum})
      out += fmt::format(", ALTER COLUMN {} SET STATISTICS 0", *column);
  return out;
}

std::string aggregate_store_ddl(const SqlNames& names) {
  std::string columns;
  for (const auto& m : names.measures)
    columns += fmt::format(",\n  {0} bigint NOT NULL, {1} {4}, {2} {4}, {3} numeric", m.count, m.min, m.max, m.sum,
                           bound_type(m.integer));
  // file_id btree: a replaced file's contributions (and from them its hours) are found without a scan. (A BRIN
  // saved its insert per row, ~14% of the server's CPU on a shape of ~19 readings per sensor-hour, but a BRIN
  // lookup reads the whole index, which grows with the year partition: at a million files a day, ~1 s for every
  // unit that replaces a file.)
  // hour BRIN: files arrive roughly in time order, so a day or a month reads a few block ranges. Sensor btree:
  // one sensor's hours without reading every sensor's (with the BRIN, a bitmap AND keeps a day to that day's
  // pages). On the sensor alone, not (sensor, hour): its keys repeat, so the btree keeps one posting list per
  // sensor and page instead of an entry per row, ~5x smaller, and a file's rows for a sensor go to that
  // sensor's last leaf. Inserting costs the server ~17% less CPU on files of ~19 readings per sensor-hour; one
  // sensor's day over a year of hourly files takes ~12 ms instead of ~6.
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {fh} (\n  file_id bigint NOT NULL,\n  {sensor} text NOT NULL,\n"
      "  hour timestamptz NOT NULL,\n  rows bigint NOT NULL{columns}\n) PARTITION BY RANGE (hour);\n"
      "CREATE INDEX IF NOT EXISTS file_hourly_file_id ON {fh} (file_id);\n"
      "CREATE INDEX IF NOT EXISTS file_hourly_hour_brin ON {fh} USING brin (hour);\n"
      "{sensor_index}"
      "ALTER TABLE {fh} {statistics};\n"
      "CREATE OR REPLACE VIEW {hourly} AS SELECT {sensor}, hour, {totals}\n"
      "  FROM {fh} GROUP BY {sensor}, hour;\n",
      fmt::arg("fh", names.file_hourly), fmt::arg("sensor", names.sensor), fmt::arg("columns", columns),
      fmt::arg("hourly", names.sensor_hourly), fmt::arg("totals", hourly_totals(names)),
      fmt::arg("statistics", aggregate_statistics_off(names)), fmt::arg("sensor_index", sensor_index_ddl(names)));
}

std::string hourly_totals(const SqlNames& names) {
  std::string out = "sum(rows)::bigint AS rows";
  for (const auto& m : names.measures)
    out += fmt::format(",\n  sum({0})::bigint AS {0}, min({1}) AS {1}, max({2}) AS {2}, sum({3}) AS {3}", m.count,
                       m.min, m.max, m.sum);
  return out;
}

std::string sensor_index_ddl(const SqlNames& names) {
  return fmt::format("CREATE INDEX IF NOT EXISTS file_hourly_sensor ON {} ({});\n", names.file_hourly, names.sensor);
}

std::vector<std::string> file_hourly_columns(const Config& config) {
  std::vector<std::string> out = {"file_id bigint", config.columns[config.sensor_column].name + " text",
                                  "hour timestamp with time zone", "rows bigint"};
  for (const auto& [name, integer] : measures_of(config)) {
    out.push_back(name + "_count bigint");
    out.push_back(name + "_min " + bound_type(integer));
    out.push_back(name + "_max " + bound_type(integer));
    out.push_back(name + "_sum numeric");
  }
  return out;
}

std::vector<std::string> sensor_hourly_columns(const Config& config) {
  std::vector<std::string> out = file_hourly_columns(config);
  out.erase(out.begin());  // file_id
  return out;
}

void create_contributions_year(pqxx::work& txn, const SqlNames& names, int year) {
  const std::string partition = names.file_hourly_partition(year);
  if (txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", partition)[0].as<bool>()) return;
  txn.exec(fmt::format(
      "CREATE TABLE {} PARTITION OF {} FOR VALUES FROM ('{:04}-01-01 00:00:00+00') TO ('{:04}-01-01 00:00:00+00')",
      partition, names.file_hourly, year, year + 1));
  txn.exec(fmt::format("ALTER TABLE {} {}", partition, aggregate_statistics_off(names)));
}

std::size_t contribution_row_bytes(const SqlNames& names) {
  // Field count, then each field's 4-byte length and value: file_id, sensor, hour, rows; per measure its count,
  // min, max (8 bytes each) and a numeric sum (8-byte header and a 2-byte digit per 4 decimal digits).
  return 2 + 12 + (4 + 32) + 12 + 12 + names.measures.size() * (3 * 12 + 4 + 8 + 12);
}

void encode_contributions(std::int64_t file_id, const AggregateDeltas& deltas, const SqlNames& names, CopyBuffer& out) {
  const auto fields = static_cast<std::int16_t>(4 + 4 * names.measures.size());
  // In (sensor, hour) order, as the deltas keep them: the (sensor, hour) btree takes a file's rows in runs.
  for (const auto& [key, hour] : deltas.entries()) {
    out.begin_row(fields);
    out.add_int8(file_id);
    out.add_text(key.sensor);
    out.add_timestamptz(key.hour_micros);
    out.add_int8(hour.rows);
    for (std::size_t i = 0; i < names.measures.size(); ++i)
      add_measure_fields(out, hour.measures[i], names.measures[i].integer);
  }
}

std::string contributions_copy_sql(const SqlNames& names) {
  return fmt::format("COPY {} FROM STDIN (FORMAT binary)", names.file_hourly);
}

std::vector<std::vector<TimeSpan>> stored_spans(pqxx::work& txn, const SqlNames& names,
                                                const std::vector<std::int64_t>& file_ids) {
  std::vector<std::vector<TimeSpan>> spans(file_ids.size());
  const pqxx::result found = txn.exec_params(
      fmt::format("SELECT file_id, (extract(epoch FROM hour) * 1000000)::bigint, "
                  "(extract(epoch FROM hour + interval '1 hour') * 1000000)::bigint FROM {} "
                  "WHERE file_id = ANY($1::bigint[]) GROUP BY 1, 2, 3 "
                  "UNION ALL SELECT file_id, (extract(epoch FROM lower(r)) * 1000000)::bigint, "
                  "(extract(epoch FROM upper(r)) * 1000000)::bigint FROM {}, unnest(hours) r "
                  "WHERE file_id = ANY($1::bigint[])",
                  names.file_hourly, names.files),
      id_array(file_ids));
  for (const auto& row : found) {
    const auto index = static_cast<std::size_t>(std::find(file_ids.begin(), file_ids.end(), row[0].as<std::int64_t>()) -
                                                file_ids.begin());
    spans[index].push_back({row[1].as<std::int64_t>(), row[2].as<std::int64_t>()});
  }
  for (std::vector<TimeSpan>& own : spans) own = merged_spans(std::move(own));
  return spans;
}

void delete_contributions(pqxx::work& txn, const SqlNames& names, const std::vector<std::int64_t>& file_ids) {
  txn.exec_params(fmt::format("DELETE FROM {} WHERE file_id = ANY($1::bigint[])", names.file_hourly),
                  id_array(file_ids));
}

bool drop_contributions_year(pqxx::work& txn, const SqlNames& names, int year) {
  const std::string partition = names.file_hourly_partition(year);
  if (!txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", partition)[0].as<bool>()) return false;
  txn.exec(fmt::format("DROP TABLE {}", partition));
  return true;
}

}  // namespace sluice
