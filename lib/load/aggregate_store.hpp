#pragma once
// The aggregate store: each loaded file's contribution to sensor_hourly (its AggregateDeltas) kept as rows of
// `file_hourly` under its file id, appended by binary COPY, year-partitioned on the hour like readings. Users
// query the view `sensor_hourly`, which adds the contributions up per sensor-hour. Replacing or expiring a file
// removes exactly its rows, whether or not its readings are still there; and since the sums are numeric (exact),
// the totals do not depend on the order files were loaded in.
#include <pqxx/pqxx>

#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "encode/copy_buffer.hpp"
#include "load/readings_store.hpp"
#include "load/sql_names.hpp"
#include "parse/aggregate.hpp"

namespace sluice {

/// CREATE ... IF NOT EXISTS of file_hourly, its indexes and the sensor_hourly view.
std::string aggregate_store_ddl(const SqlNames& names);
/// CREATE INDEX IF NOT EXISTS of file_hourly's sensor btree (part of aggregate_store_ddl).
std::string sensor_index_ddl(const SqlNames& names);

/// `ALTER COLUMN <c> SET STATISTICS 0, ...` of file_hourly's counts and bounds (for ALTER TABLE of the table or
/// of one partition).
std::string aggregate_statistics_off(const SqlNames& names);

/// "name type" of each column of file_hourly and of sensor_hourly for `config`, in order (the schema check).
std::vector<std::string> file_hourly_columns(const Config& config);
std::vector<std::string> sensor_hourly_columns(const Config& config);

/// Creates the year partition of file_hourly if missing (the caller holds the DDL lock).
void create_contributions_year(pqxx::work& txn, const SqlNames& names, int year);

/// About the bytes one contribution row takes in binary COPY form (a sensor id of up to 32 bytes, sums of up to
/// ~20 digits): for sizing the buffer they go to.
std::size_t contribution_row_bytes(const SqlNames& names);

/// sensor_hourly's select list over contribution rows grouped by sensor and hour: the rows and, per measure, the
/// count, min, max and exact sum, named as file_hourly's columns.
std::string hourly_totals(const SqlNames& names);

/// Appends the contribution rows of one file to `out` (COPY column order of file_hourly).
void encode_contributions(std::int64_t file_id, const AggregateDeltas& deltas, const SqlNames& names, CopyBuffer& out);

/// The COPY statement the rows of encode_contributions go to.
std::string contributions_copy_sql(const SqlNames& names);

/// The hours each of `file_ids` has stored readings in, merged into spans, by file id (same order as file_ids):
/// those its ledger row keeps, and those its contributions in file_hourly list (a file loaded before ledger rows
/// kept hours has only these; a block may carry its sensor-hour's contribution instead).
std::vector<std::vector<TimeSpan>> stored_spans(pqxx::work& txn, const SqlNames& names,
                                                const std::vector<std::int64_t>& file_ids);

/// Deletes the contributions of `file_ids`.
void delete_contributions(pqxx::work& txn, const SqlNames& names, const std::vector<std::int64_t>& file_ids);

/// Drops the year partition of file_hourly, if there is one.
bool drop_contributions_year(pqxx::work& txn, const SqlNames& names, int year);

}  // namespace sluice
