#include "load/sql_names.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "parse/block_format.hpp"

namespace sluice {

SqlNames::SqlNames(pqxx::connection& connection, const Config& config) : schema_raw(config.schema) {
  schema = connection.quote_name(config.schema);
  auto qualified = [&](const std::string& name) { return schema + "." + connection.quote_name(name); };
  readings = qualified("readings");
  rejects = qualified("rejects");
  files = qualified("files");
  sensor_hourly = qualified("sensor_hourly");
  runs = qualified("runs");
  file_id_seq = qualified("file_id_seq");
  schema_version = qualified("schema_version");
  file_hourly = qualified("file_hourly");
  layout = config.layout;
  blocks = qualified("blocks");
  loose_readings = qualified("loose_readings");
  settings = qualified("settings");
  readings_between = qualified("readings_between");
  carried_hourly = qualified("carried_hourly");
  for (const BlockColumn& column : sluice::block_columns(config)) {
    block_columns.push_back(connection.quote_name(column.name));
    if (holds_array(column.kind)) block_array_columns.push_back(block_columns.back());
    if (column.kind >= BlockColumnKind::agg_rows) block_aggregate_columns.push_back(block_columns.back());
    if (copied(column.kind)) block_copy_columns.push_back(block_columns.back());
  }
  for (const ColumnSpec& column : config.columns) columns.push_back(connection.quote_name(column.name));
  ts = columns[config.timestamp_column];
  sensor = columns[config.sensor_column];
  for (std::size_t index : config.measure_columns) {
    const std::string& name = config.columns[index].name;
    measures.push_back({columns[index], connection.quote_name(name + "_count"), connection.quote_name(name + "_min"),
                        connection.quote_name(name + "_max"), connection.quote_name(name + "_sum"),
                        config.columns[index].type == ColumnType::int8});
  }
}

std::string SqlNames::partition(int year) const {
  // The name is ours and plain ASCII, so quoting it is just the double quotes.
  return fmt::format("{}.\"readings_{}\"", schema, year);
}

std::string SqlNames::file_hourly_partition(int year) const {
  return fmt::format("{}.\"file_hourly_{}\"", schema, year);
}
std::string SqlNames::blocks_partition(int year) const { return fmt::format("{}.\"blocks_{}\"", schema, year); }

std::string SqlNames::loose_partition(int year) const { return fmt::format("{}.\"loose_readings_{}\"", schema, year); }

std::string SqlNames::blocks_column_list() const { return fmt::format("{}", fmt::join(block_copy_columns, ", ")); }

std::string SqlNames::readings_copy_sql(const std::string& table) const {
  return fmt::format("COPY {} ({}) FROM STDIN (FORMAT binary)", table, readings_column_list());
}

std::string SqlNames::blocks_copy_sql() const {
  return fmt::format("COPY {} ({}) FROM STDIN (FORMAT binary)", blocks, blocks_column_list());
}

std::string SqlNames::readings_column_list() const {
  std::string out;
  for (const std::string& column : columns) out += column + ", ";
  return out + "file_id";
}

}  // namespace sluice
