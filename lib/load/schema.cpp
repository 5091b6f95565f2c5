#include "load/schema.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "core/errors.hpp"
#include "load/aggregate_store.hpp"
#include "load/block_schema.hpp"
#include "load/readings_store.hpp"

namespace sluice {
namespace {

std::string sql_type_name(ColumnType type) {
  switch (type) {
    case ColumnType::timestamp: return "timestamp with time zone";
    case ColumnType::text: return "text";
    case ColumnType::float8: return "double precision";
    case ColumnType::int8: return "bigint";
    case ColumnType::boolean: return "boolean";
  }
  return "text";
}

// "name type" per column of one of the schema's tables, in table order.
std::vector<std::string> table_columns(pqxx::work& txn, const SqlNames& names, const std::string& table) {
  std::vector<std::string> out;
  for (const auto& row : txn.exec_params(
           "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
           "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
           "WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
           names.schema_raw, table))
    out.push_back(fmt::format("{} {}", row[0].c_str(), row[1].c_str()));
  return out;
}

// What differs between two column lists, for a message a user can act on.
std::string column_difference(const std::vector<std::string>& have, const std::vector<std::string>& want) {
  std::vector<std::string> missing, extra;
  for (const std::string& column : want)
    if (std::find(have.begin(), have.end(), column) == have.end()) missing.push_back(column);
  for (const std::string& column : have)
    if (std::find(want.begin(), want.end(), column) == want.end()) extra.push_back(column);
  std::string out;
  if (!missing.empty()) out += fmt::format("the config needs {} which the table lacks", fmt::join(missing, ", "));
  if (!extra.empty())
    out += fmt::format("{}the table has {} which the config does not name", out.empty() ? "" : "; ",
                       fmt::join(extra, ", "));
  return out.empty() ? "the same columns in another order" : out;
}

// A config that no longer matches the tables is a usage error before any file is read (exit 2), saying what
// differs: rows written under another layout would fail or, worse, land in the wrong columns.
void check_tables_match_config(pqxx::work& txn, const SqlNames& names, const Config& config) {
  std::vector<std::string> readings;
  for (const ColumnSpec& column : config.columns)
    readings.push_back(fmt::format("{} {}", column.name, sql_type_name(column.type)));
  readings.push_back("file_id bigint");
  for (const auto& [table, want] : {std::pair{std::string("readings"), readings},
                                    std::pair{std::string("sensor_hourly"), sensor_hourly_columns(config)},
                                    std::pair{std::string("file_hourly"), file_hourly_columns(config)}}) {
    const std::vector<std::string> have = table_columns(txn, names, table);
    if (have != want)
      throw UsageError(fmt::format(
          "the config does not match table {}.{}: {}. Use another --schema for this config, or go back to the "
          "config the tables were made with (`sluice schema show` prints what this config would create)",
          names.schema_raw, table, column_difference(have, want)));
  }
}

// Readings written under the other layout would go to tables the schema does not have.
void check_layout(pqxx::work& txn, const SqlNames& names, const Config& config) {
  const StorageLayout stored = stored_layout(txn, names);
  if (stored == config.layout) return;
  if (stored == StorageLayout::rows)
    throw UsageError(fmt::format(
        "schema {0} stores readings as rows, the config asks for \"layout\": \"blocks\": run `sluice schema "
        "migrate --config <this config> --schema {0}` to move its readings to blocks, or set \"layout\": \"rows\"",
        names.schema_raw));
  throw UsageError(fmt::format(
      "schema {0} stores readings as blocks, the config asks for rows (\"layout\" missing or \"rows\"): set "
      "\"layout\": \"blocks\" in the config, or use another --schema (a blocks schema is not moved back to rows)",
      names.schema_raw));
}

}  // namespace

std::string sql_type(ColumnType type) {
  switch (type) {
    case ColumnType::timestamp: return "timestamptz";
    case ColumnType::text: return "text";
    case ColumnType::float8: return "double precision";
    case ColumnType::int8: return "bigint";
    case ColumnType::boolean: return "boolean";
  }
  return "text";
}

void check_readings_match_config(pqxx::work& txn, const SqlNames& names, const Config& config) {
  check_tables_match_config(txn, names, config);
}

int schema_version_in(pqxx::work& txn, const SqlNames& names) {
  if (!txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", names.schema_version)[0].as<bool>()) return 1;
  return txn.exec1(fmt::format("SELECT coalesce(max(version), 1) FROM {}", names.schema_version))[0].as<int>();
}

std::string readings_column_ddl(const SqlNames& names, const Config& config) {
  std::string out;
  for (std::size_t i = 0; i < config.columns.size(); ++i)
    out += fmt::format("  {} {}{},\n", names.columns[i], sql_type(config.columns[i].type),
                       config.columns[i].required ? " NOT NULL" : "");
  return out;
}

std::string rows_readings_ddl(const SqlNames& names, const Config& config) {
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS {readings} (\n{cols}  file_id bigint NOT NULL\n) PARTITION BY RANGE ({ts});\n"
      "{index};\n",
      fmt::arg("readings", names.readings), fmt::arg("cols", readings_column_ddl(names, config)),
      fmt::arg("ts", names.ts), fmt::arg("index", readings_index_ddl(names)));
}

std::string schema_ddl(const SqlNames& names, const Config& config) {
  return fmt::format(
      "CREATE SCHEMA IF NOT EXISTS {schema};\n"
      "CREATE SEQUENCE IF NOT EXISTS {seq};\n"
      "{aggregate_store}"
      "{readings_ddl}"
      "CREATE TABLE IF NOT EXISTS {rejects} (\n  file_id bigint NOT NULL,\n  line bigint NOT NULL,\n"
      "  reason text NOT NULL,\n  raw text NOT NULL\n);\n"
      "CREATE INDEX IF NOT EXISTS rejects_file_id ON {rejects} (file_id);\n"
      "CREATE TABLE IF NOT EXISTS {files} (\n  file_id bigint PRIMARY KEY,\n  uri text NOT NULL,\n"
      "  size bigint NOT NULL,\n  etag text NOT NULL,\n  rows_loaded bigint NOT NULL DEFAULT 0,\n"
      "  rows_rejected bigint NOT NULL DEFAULT 0,\n  status text NOT NULL CONSTRAINT files_status_check CHECK (status "
      "IN {states}),\n"
      "  error text,\n  loaded_at timestamptz NOT NULL DEFAULT now(),\n  run_id bigint,\n"
      "  attempts int NOT NULL DEFAULT 0,\n  stored_size bigint,\n  stored_etag text,\n  device bigint,\n  inode "
      "bigint,\n"
      "  dispose_pending boolean NOT NULL DEFAULT false,\n  updated_at timestamptz NOT NULL DEFAULT now(),\n"
      "  sequencer text,\n  hours tstzmultirange\n);\n"
      "CREATE UNIQUE INDEX IF NOT EXISTS files_active_uri ON {files} (uri) WHERE status IN {active};\n"
      "CREATE TABLE IF NOT EXISTS {runs} (\n  run_id bigserial PRIMARY KEY,\n  started_at timestamptz NOT NULL DEFAULT "
      "now(),\n"
      "  finished_at timestamptz,\n  status text NOT NULL DEFAULT 'running',\n  host text,\n  args text,\n"
      "  shard text,\n  files_loaded bigint, files_skipped bigint, files_failed bigint,\n"
      "  rows_loaded bigint, rows_rejected bigint,\n  exit_code int\n);\n"
      "CREATE TABLE IF NOT EXISTS {version} (version int PRIMARY KEY, migrated_at timestamptz NOT NULL DEFAULT "
      "now());\n"
      "INSERT INTO {version} (version) VALUES ({current}) ON CONFLICT DO NOTHING;\n",
      fmt::arg("schema", names.schema), fmt::arg("seq", names.file_id_seq),
      fmt::arg("readings_ddl",
               config.layout == StorageLayout::blocks ? blocks_ddl(names, config) : rows_readings_ddl(names, config)),
      fmt::arg("rejects", names.rejects), fmt::arg("files", names.files),
      fmt::arg("aggregate_store", aggregate_store_ddl(names)), fmt::arg("runs", names.runs),
      fmt::arg("version", names.schema_version), fmt::arg("current", kSchemaVersion),
      fmt::arg("states", kLedgerStatesSql), fmt::arg("active", kActiveLedgerStatesSql));
}

void init_schema(pqxx::connection& connection, const Config& config) {
  const SqlNames names(connection, config);
  pqxx::work txn(connection);
  txn.exec_params("SELECT pg_advisory_xact_lock($1)", kDdlLockKey);
  // Skip the DDL when everything exists: CREATE ... IF NOT EXISTS still takes strong locks.
  const bool exists = txn.exec_params1("SELECT to_regclass($1) IS NOT NULL", names.runs)[0].as<bool>();
  if (!exists) txn.exec(schema_ddl(names, config));
  const int version = schema_version_in(txn, names);
  if (version < kSchemaVersion)
    throw UsageError(fmt::format(
        "schema {} was made by an earlier sluice (schema version {}, this sluice needs {}): run `sluice schema migrate "
        "--schema {}` first (it keeps every row)",
        names.schema_raw, version, kSchemaVersion, names.schema_raw));
  if (version > kSchemaVersion)
    throw UsageError(fmt::format("schema {} is at version {}, newer than this sluice ({}): use a newer sluice",
                                 names.schema_raw, version, kSchemaVersion));
  check_layout(txn, names, config);
  check_tables_match_config(txn, names, config);
  txn.commit();
}

PresentPartitions present_partitions(pqxx::connection& connection, const SqlNames& names,
                                     const std::vector<int>& years) {
  PresentPartitions found;
  if (years.empty()) return found;
  // One statement without a transaction, the DDL lock or a commit (a few milliseconds on the way to a run's first
  // COPY). Exactly the names ensure_partitions' locked path looks for, so the answer is the same: a year
  // partitioned another way (by month) does not count as present.
  pqxx::nontransaction check(connection);
  std::string rows;
  for (int year : years)
    rows += fmt::format(
        "{}({}, {}, {})", rows.empty() ? "" : ", ", year,
        check.quote(names.layout == StorageLayout::blocks ? names.blocks_partition(year) : names.partition(year)),
        check.quote(names.file_hourly_partition(year)));
  for (const auto& row : check.exec("SELECT y FROM (VALUES " + rows +
                                    ") v(y, readings, hourly) WHERE to_regclass(readings) IS NOT NULL AND "
                                    "to_regclass(hourly) IS NOT NULL"))
    found.present.push_back(row[0].as<int>());
  if (names.layout != StorageLayout::blocks) found.own = found.present;  // readings partitions by sluice's own names
  return found;
}

PresentPartitions listed_partitions(pqxx::connection& connection, const SqlNames& names) {
  std::vector<int> years;
  {
    pqxx::nontransaction list(connection);
    years = readings_years(list, names);
  }
  return present_partitions(connection, names, years);
}

std::vector<int> ensure_partitions(pqxx::connection& connection, const SqlNames& names, const std::vector<int>& years) {
  if (years.empty()) return {};
  // Nearly always every partition exists already.
  const PresentPartitions present = present_partitions(connection, names, years);
  if (present.present.size() == years.size()) return present.own;
  std::vector<int> own;
  pqxx::work txn(connection);
  txn.exec_params("SELECT pg_advisory_xact_lock($1)", kDdlLockKey);
  // The check above left this session's catalog cache sure that the missing partitions do not exist, and it is
  // only corrected from the catalog's change messages, which a relation lock processes and an advisory lock does
  // not: without this, a partition another session made while this one waited for the lock looked missing still
  // (to_regclass NULL), and making it again failed ("already exists").
  txn.exec(fmt::format("LOCK TABLE {} IN ACCESS SHARE MODE", names.files));
  for (int year : years) {
    if (create_readings_year(txn, names, year)) own.push_back(year);
    create_contributions_year(txn, names, year);
  }
  txn.commit();
  return own;
}

}  // namespace sluice
