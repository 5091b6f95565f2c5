#pragma once
// The blocks layout's PostgreSQL objects: the blocks table, the loose readings table (sensor-hours too small
// for a block), the `readings` view that decodes both, the fast-path function readings_between, and the
// settings row that records the layout. README.md ("Storage layouts") documents them.
#include <pqxx/pqxx>

#include <string>

#include "config/config.hpp"
#include "load/sql_names.hpp"

namespace sluice {

/// DDL of the blocks layout's tables, views, function and settings row (the schema and file_hourly exist:
/// sensor_hourly becomes a view over file_hourly and the aggregates the blocks carry).
std::string blocks_ddl(const SqlNames& names, const Config& config);

/// DDL of the `readings` view, the readings_between function and the sensor_hourly view alone (what migration
/// adds after the table).
std::string blocks_view_ddl(const SqlNames& names, const Config& config);

/// DDL bringing a blocks table made by schema version 4 to 9 to this version: the 16-bit forms of ts offsets and
/// scaled values (bytea of codes; version 5's int2 arrays too, for version 4) and the carried aggregates' columns
/// (with their hour's BRIN) and their packed form, added columns NULL in the blocks already stored; no ANALYZE
/// statistics for any of them; the views and function that decode all forms and add up both kinds of contribution.
std::string blocks_upgrade_ddl(const SqlNames& names, const Config& config);

/// SQL expressions of a packed carried aggregate's bound (a double precision) and sum (a numeric) at `offset` of the
/// bytea expression `packed` (parse/block_format.hpp); NULL for a NULL value or a NULL `packed`.
std::string packed_bound_sql(const std::string& packed, std::size_t offset);
std::string packed_sum_sql(const std::string& packed, std::size_t offset);

/// DDL of one year's partitions of blocks and loose_readings.
std::string blocks_partition_ddl(const SqlNames& names, int year);

/// The layout the schema records: rows unless its settings table says blocks.
StorageLayout stored_layout(pqxx::work& txn, const SqlNames& names);

}  // namespace sluice
