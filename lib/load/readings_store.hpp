#pragma once
// Where the readings of a file live, as the rest of load/ sees it: one year partition per calendar year, a
// file's rows found by its id within the hours its aggregate contributions list. The storage layout (one row
// per reading, or blocks and loose readings) changes these functions only; the aggregate store
// (aggregate_store.hpp) does not depend on them.
#include <pqxx/pqxx>

#include <cstdint>
#include <vector>

#include "core/time_span.hpp"
#include "load/sql_names.hpp"

namespace sluice {

/// Creates the year partition of readings (blocks layout: of blocks and loose_readings) if it does not exist
/// (the caller holds the DDL lock). Returns whether a unit of that year may COPY into the partition directly:
/// false when a DBA's own partitions cover part of the year (rows are then routed through the parent), and for
/// blocks.
bool create_readings_year(pqxx::work& txn, const SqlNames& names, int year);

/// The table a unit whose rows all lie in `year` COPYs into: the year's partition when `direct` (sluice made it:
/// no routing per row), else readings.
std::string readings_copy_target(const SqlNames& names, int year, bool direct);

/// The one index of readings: a BRIN over (ts, file_id). Queries by time use its ts part; a file's rows are
/// found by both (its hours, then its id): one index maintained per row instead of one per column.
std::string readings_index_ddl(const SqlNames& names);

/// Deletes the readings of `file_id`. `spans` covers every hour in which the file has rows: the search reads
/// only those hours (through the ts index), not the table. Returns the rows deleted.
std::int64_t delete_file_readings(pqxx::work& txn, const SqlNames& names, std::int64_t file_id,
                                  const std::vector<TimeSpan>& spans);

/// Drops the year partition of readings (blocks layout: of blocks and loose_readings), if there is one; returns
/// whether there was.
bool drop_readings_year(pqxx::work& txn, const SqlNames& names, int year);

/// The years that have a readings (blocks layout: blocks) partition, ascending.
std::vector<int> readings_years(pqxx::transaction_base& txn, const SqlNames& names);

}  // namespace sluice
