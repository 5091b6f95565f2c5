#include "load/schema_migrate.hpp"

#include <fmt/format.h>

#include <chrono>

#include "core/errors.hpp"
#include "load/aggregate_store.hpp"
#include "load/block_schema.hpp"
#include "load/readings_store.hpp"
#include "load/schema.hpp"
#include "load/sql_names.hpp"

namespace sluice {
namespace {

// Version 1 -> 2: the ledger becomes a state machine. A uri keeps one current row (loaded, failed,
// given_up, expired) beside history rows (superseded, disposed), so `uri` is unique among current rows
// only; failures count attempts; the stored version and the file's device and inode are kept apart from
// the newest version seen. Existing rows keep their meaning: loaded rows store their own version, failed
// rows have failed once.
void migrate_1_to_2(pqxx::work& txn, const SqlNames& names) {
  txn.exec(
      fmt::format("ALTER TABLE {files} DROP CONSTRAINT IF EXISTS files_uri_key;\n"
                  "ALTER TABLE {files} DROP CONSTRAINT IF EXISTS files_status_check;\n"
                  "ALTER TABLE {files} ADD COLUMN attempts int NOT NULL DEFAULT 0, ADD COLUMN stored_size bigint,\n"
                  "  ADD COLUMN stored_etag text, ADD COLUMN device bigint, ADD COLUMN inode bigint,\n"
                  "  ADD COLUMN dispose_pending boolean NOT NULL DEFAULT false,\n"
                  "  ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();\n"
                  "UPDATE {files} SET attempts = 1 WHERE status = 'failed';\n"
                  "UPDATE {files} SET stored_size = size, stored_etag = etag WHERE status = 'loaded';\n"
                  "ALTER TABLE {files} ADD CONSTRAINT files_status_check CHECK (status IN {states});\n"
                  "CREATE UNIQUE INDEX files_active_uri ON {files} (uri) WHERE status IN {active};\n"
                  "CREATE TABLE {version} (version int PRIMARY KEY, migrated_at timestamptz NOT NULL DEFAULT now());\n",
                  fmt::arg("files", names.files), fmt::arg("states", kLedgerStatesSql),
                  fmt::arg("active", kActiveLedgerStatesSql), fmt::arg("version", names.schema_version)));
}

// Version 2 -> 3: the ledger keeps the newest S3 event sequencer seen per uri, so an event older than one
// already recorded is skipped without a read. Existing rows have none: their uris fall back to the identity
// rule until an event with a sequencer is loaded.
void migrate_2_to_3(pqxx::work& txn, const SqlNames& names) {
  txn.exec(fmt::format("ALTER TABLE {} ADD COLUMN sequencer text", names.files));
}

// The old sensor_hourly table, per measure: what a contribution column is made of, from readings (by file) or
// from the part of an old sensor-hour that no stored reading explains.
std::string from_readings(const SqlNames& names) {
  std::string out = fmt::format("file_id, {}, date_trunc('hour', {}), count(*)", names.sensor, names.ts);
  for (const auto& m : names.measures)
    out += fmt::format(", count({0}), min({0}), max({0}), {1}", m.value,
                       m.integer ? fmt::format("sum({})", m.value) : fmt::format("sum({})::text::numeric", m.value));
  return out;
}

std::string unexplained(const SqlNames& names) {
  std::string out = fmt::format("0, o.{}, o.hour, o.rows - coalesce(n.rows, 0)", names.sensor);
  const std::string cast = "::bigint";
  for (const auto& m : names.measures) {
    const std::string left = fmt::format("o.{0} - coalesce(n.{0}, 0)", m.count);
    out += fmt::format(
        ", {0}, CASE WHEN {0} > 0 THEN o.{1}{4} END, CASE WHEN {0} > 0 THEN o.{2}{4} END, "
        "CASE WHEN {0} > 0 THEN o.{3}::text::numeric - coalesce(n.{3}, 0) END",
        left, m.min, m.max, m.sum, m.integer ? cast : "");
  }
  return out;
}

// Version 3 -> 4: the aggregate store. sensor_hourly becomes a view over file_hourly, each file's contribution
// rebuilt from its readings. Sensor-hours whose readings are gone (dropped outside sluice) keep what the old
// table had beyond the stored readings, as a contribution of no file (file_id 0), so no aggregate is lost.
void migrate_3_to_4(pqxx::work& txn, const SqlNames& config_names) {
  // The tables as they are, not as the config would have them: a rows schema migrated with a blocks config
  // reaches version 4 as rows and moves to blocks after.
  SqlNames names = config_names;
  names.layout = stored_layout(txn, names);
  txn.exec(fmt::format("ALTER TABLE {} RENAME TO sensor_hourly_v3", names.sensor_hourly));
  const std::string old_hourly = names.schema + ".sensor_hourly_v3";
  txn.exec(aggregate_store_ddl(names));
  for (const auto& row : txn.exec(fmt::format("SELECT DISTINCT extract(year FROM hour)::int FROM {}", old_hourly)))
    create_contributions_year(txn, names, row[0].as<int>());
  for (int year : readings_years(txn, names)) create_contributions_year(txn, names, year);
  txn.exec(fmt::format("INSERT INTO {} SELECT {} FROM {} GROUP BY 1, 2, 3", names.file_hourly, from_readings(names),
                       names.readings));
  std::string sums = "sum(rows) AS rows";
  for (const auto& m : names.measures) sums += fmt::format(", sum({0}) AS {0}, sum({1}) AS {1}", m.count, m.sum);
  txn.exec(
      fmt::format("INSERT INTO {0} SELECT {1} FROM {2} o LEFT JOIN (SELECT {3}, hour, {4} FROM {0} GROUP BY 1, 2) "
                  "n USING ({3}, hour) WHERE o.rows > coalesce(n.rows, 0)",
                  names.file_hourly, unexplained(names), old_hourly, names.sensor, sums));
  txn.exec(fmt::format("DROP TABLE {}", old_hourly));
  // One BRIN over (ts, file_id) instead of one per column: one index to maintain per row. (In the blocks
  // layout readings is a view: its tables keep their indexes.)
  if (names.layout == StorageLayout::rows) {
    txn.exec(fmt::format("DROP INDEX IF EXISTS {0}.readings_ts_brin, {0}.readings_file_id_brin", names.schema));
    txn.exec(readings_index_ddl(names));
  }
}

// Version 4 -> 5: blocks hold ts offsets in whole seconds and scaled values as int2 when they fit (two bytes a
// value instead of four), in added columns that are NULL in the blocks already stored; the view and
// readings_between decode every form. ANALYZE skips the array columns and file_hourly's counts and bounds,
// which no plan uses. Nothing is rewritten: every statement changes the catalog only.
void migrate_4_to_5(pqxx::work& txn, const SqlNames& names, const Config& config) {
  txn.exec(fmt::format("ALTER TABLE {} {}", names.file_hourly, aggregate_statistics_off(names)));
  if (stored_layout(txn, names) == StorageLayout::blocks) txn.exec(blocks_upgrade_ddl(names, config));
}

// Version 5 -> 6: blocks hold the ts offsets in seconds and the scaled values that fit 16 bits as bytea of
// 16-bit codes instead of int2 arrays (one copy on COPY instead of a call per element), in added columns; the
// int2 arrays already stored stay and are still decoded. Catalog changes only, as above (in a 4 -> 6 migration
// the step before has already added the columns and this one finds nothing to add).
void migrate_5_to_6(pqxx::work& txn, const SqlNames& names, const Config& config) {
  if (stored_layout(txn, names) == StorageLayout::blocks) txn.exec(blocks_upgrade_ddl(names, config));
}

// Version 6 -> 7: file_hourly's (sensor, hour) btree becomes a btree on the sensor alone (aggregate_store.cpp says
// why). Building it reads file_hourly once; no row changes.
void migrate_6_to_7(pqxx::work& txn, const SqlNames& names) {
  txn.exec(fmt::format("DROP INDEX IF EXISTS {}.file_hourly_sensor_hour", names.schema));
  txn.exec(sensor_index_ddl(names));
}

// Version 7 -> 8: a file's ledger row keeps the hours of its readings (`hours`, NULL in the rows already there:
// their contributions still list theirs), and in the blocks layout one block of each sensor-hour carries the
// file's aggregate of it instead of a row of file_hourly (added columns, NULL in the blocks already stored, whose
// contributions stay where they are; sensor_hourly adds up both). No row is rewritten; building the new BRIN
// reads the blocks once, under a lock that makes loads wait (0.65 s for 10 M readings here).
void migrate_7_to_8(pqxx::work& txn, const SqlNames& names, const Config& config) {
  txn.exec(fmt::format("ALTER TABLE {} ADD COLUMN IF NOT EXISTS hours tstzmultirange", names.files));
  if (stored_layout(txn, names) == StorageLayout::blocks) txn.exec(blocks_upgrade_ddl(names, config));
}

// Version 8 -> 9: a block that carries its sensor-hour's aggregate leaves out the rows when they are its n and a
// measure's count when it is the rows (NULL); the view carried_hourly reads both forms back as file_hourly's
// columns, and sensor_hourly adds it up. The blocks already stored keep theirs. Catalog changes only. (A fresh
// schema also stores the columns in alignment order; an existing table keeps its order.)
void migrate_8_to_9(pqxx::work& txn, const SqlNames& names, const Config& config) {
  if (stored_layout(txn, names) == StorageLayout::blocks) txn.exec(blocks_upgrade_ddl(names, config));
}

// Version 9 -> 10: a block that carries its sensor-hour's aggregate packs its float measures' min, max and sum
// into one added bytea, "agg:packed", their columns then NULL; the view carried_hourly reads both forms. The blocks
// already stored keep theirs. Catalog changes only.
void migrate_9_to_10(pqxx::work& txn, const SqlNames& names, const Config& config) {
  if (stored_layout(txn, names) == StorageLayout::blocks) txn.exec(blocks_upgrade_ddl(names, config));
}

// Version 10 -> 11: blocks and loose_readings each keep one BRIN index over the columns their three and two indexes
// covered (one index entry a row instead of one per column). Building it reads the table once, under a lock that
// makes loads wait; no row changes.
void migrate_10_to_11(pqxx::work& txn, const SqlNames& names, const Config& config) {
  if (stored_layout(txn, names) == StorageLayout::blocks) txn.exec(blocks_upgrade_ddl(names, config));
}

}  // namespace

MigrationReport migrate_schema(pqxx::connection& connection, const Config& config) {
  const auto started = std::chrono::steady_clock::now();
  const SqlNames names(connection, config);
  MigrationReport report;
  {
    pqxx::work txn(connection);
    if (!txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", names.runs)[0].as<bool>())
      throw UsageError(fmt::format(
          "schema {} has no sluice tables: nothing to migrate (`sluice schema init` makes them)", names.schema_raw));
    report.from = schema_version_in(txn, names);
  }
  if (report.from > kSchemaVersion)
    throw UsageError(fmt::format("schema {} is at version {}, newer than this sluice ({})", names.schema_raw,
                                 report.from, kSchemaVersion));
  for (int version = report.from; version < kSchemaVersion; ++version) {
    pqxx::work txn(connection);
    txn.exec_params("SELECT pg_advisory_xact_lock($1)", kDdlLockKey);
    if (schema_version_in(txn, names) != version) continue;  // another process migrated meanwhile
    if (version == 1) migrate_1_to_2(txn, names);
    if (version == 2) migrate_2_to_3(txn, names);
    if (version == 3) migrate_3_to_4(txn, names);
    if (version == 4) migrate_4_to_5(txn, names, config);
    if (version == 5) migrate_5_to_6(txn, names, config);
    if (version == 6) migrate_6_to_7(txn, names);
    if (version == 7) migrate_7_to_8(txn, names, config);
    if (version == 8) migrate_8_to_9(txn, names, config);
    if (version == 9) migrate_9_to_10(txn, names, config);
    if (version == 10) migrate_10_to_11(txn, names, config);
    txn.exec_params(fmt::format("INSERT INTO {} (version) VALUES ($1)", names.schema_version), version + 1);
    txn.commit();
  }
  pqxx::work txn(connection);
  report.to = schema_version_in(txn, names);
  report.ledger_rows = txn.exec1(fmt::format("SELECT count(*) FROM {}", names.files))[0].as<std::int64_t>();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace sluice
