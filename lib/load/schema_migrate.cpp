#include "load/schema_migrate.hpp"

#include <fmt/format.h>

#include <chrono>

#include "core/errors.hpp"
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
