#include "load/unit_loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

#include "core/stable_hash.hpp"
#include "encode/copy_buffer.hpp"

namespace sluice {
namespace {

std::string status_text(const ParsedFile& file) { return file.failed() ? "failed" : "loaded"; }

bool takes_rows(const ParsedFile& file, const FileOutcome& outcome) {
  return outcome.status != FileStatus::skipped && !file.failed();
}

}  // namespace

std::string text_array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

UnitLoader::UnitLoader(const Config& config, const SqlNames& names, std::int64_t run_id, bool force)
    : config_(config), names_(names), force_(force) {
  std::string updates = "rows = h.rows + EXCLUDED.rows";
  std::string recompute_select = fmt::format("r.{0}, date_trunc('hour', r.{1}), count(*)", names.sensor, names.ts);
  std::string hourly_list = fmt::format("{}, hour, rows", names.sensor);
  for (const auto& m : names.measures) {
    updates += fmt::format(
        ", {0} = h.{0} + EXCLUDED.{0}, {1} = LEAST(h.{1}, EXCLUDED.{1}), {2} = GREATEST(h.{2}, EXCLUDED.{2}), "
        "{3} = COALESCE(h.{3} + EXCLUDED.{3}, h.{3}, EXCLUDED.{3})",
        m.count, m.min, m.max, m.sum);
    recompute_select += fmt::format(", count(r.{0}), min(r.{0}), max(r.{0}), sum(r.{0})", m.value);
    hourly_list += fmt::format(", {}, {}, {}, {}", m.count, m.min, m.max, m.sum);
  }
  // ORDER BY: every process locks sensor-hour rows in the same order, so concurrent merges cannot deadlock.
  upsert_sql_ = fmt::format(
      "INSERT INTO {0} AS h SELECT * FROM pg_temp.sluice_delta ORDER BY 1, 2 "
      "ON CONFLICT ({1}, hour) DO UPDATE SET {2}",
      names.sensor_hourly, names.sensor, updates);
  // min and max cannot be subtracted: the sensor-hours a replaced file touched are recomputed from readings.
  recompute_sql_ = fmt::format(
      "DELETE FROM {0} h USING pg_temp.sluice_affected a WHERE h.{1} = a.sensor AND h.hour = a.hour;\n"
      "INSERT INTO {0} ({2}) SELECT {3} FROM {4} r JOIN (SELECT DISTINCT sensor, hour FROM pg_temp.sluice_affected) a "
      "ON r.{1} = a.sensor AND r.{5} >= a.hour AND r.{5} < a.hour + interval '1 hour' GROUP BY 1, 2 ORDER BY 1, 2",
      names.sensor_hourly, names.sensor, hourly_list, recompute_select, names.readings, names.ts);
  ledger_sql_ = fmt::format(
      "INSERT INTO {0} AS f (file_id, uri, size, etag, rows_loaded, rows_rejected, status, error, loaded_at, run_id) "
      "SELECT file_id, uri, size, etag, rows_loaded, rows_rejected, status, error, now(), {1} FROM "
      "pg_temp.sluice_ledger "
      "ON CONFLICT (uri) DO UPDATE SET file_id = EXCLUDED.file_id, size = EXCLUDED.size, etag = EXCLUDED.etag, "
      "rows_loaded = EXCLUDED.rows_loaded, rows_rejected = EXCLUDED.rows_rejected, status = EXCLUDED.status, "
      "error = EXCLUDED.error, loaded_at = EXCLUDED.loaded_at, run_id = EXCLUDED.run_id",
      names.files, run_id > 0 ? std::to_string(run_id) : "NULL");
}

std::string UnitLoader::session_setup_sql() const {
  return fmt::format(
      "CREATE TEMP TABLE IF NOT EXISTS sluice_delta (LIKE {0}) ON COMMIT DELETE ROWS;\n"
      "CREATE TEMP TABLE IF NOT EXISTS sluice_affected (sensor text, hour timestamptz) ON COMMIT DELETE ROWS;\n"
      "CREATE TEMP TABLE IF NOT EXISTS sluice_ledger (file_id bigint, uri text, size bigint, etag text, "
      "rows_loaded bigint, rows_rejected bigint, status text, error text) ON COMMIT DELETE ROWS;",
      names_.sensor_hourly);
}

std::vector<FileOutcome> UnitLoader::decide(pqxx::work& txn, const std::vector<ParsedFile>& files,
                                            std::vector<std::int64_t>& replaced_ids) const {
  std::vector<std::string> uris;
  std::vector<std::int64_t> lock_keys;
  for (const ParsedFile& file : files) {
    uris.push_back(file.ref.uri);
    lock_keys.push_back(static_cast<std::int64_t>(stable_hash(file.ref.uri)));
  }
  std::sort(lock_keys.begin(), lock_keys.end());
  lock_keys.erase(std::unique(lock_keys.begin(), lock_keys.end()), lock_keys.end());
  // Locks in sorted order: two processes loading overlapping files wait for each other instead of deadlocking.
  txn.exec_params("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest($1::bigint[]) AS k ORDER BY 1) s",
                  fmt::format("{{{}}}", fmt::join(lock_keys, ",")));
  const pqxx::result known =
      txn.exec_params(fmt::format("SELECT uri, file_id, size, etag FROM {} WHERE uri = ANY($1::text[])", names_.files),
                      text_array_literal(uris));
  std::unordered_map<std::string, std::size_t> index_of;
  for (std::size_t i = 0; i < files.size(); ++i) index_of.emplace(files[i].ref.uri, i);
  std::vector<FileOutcome> outcomes(files.size());
  for (const auto& row : known) {
    const std::size_t i = index_of.at(row[0].as<std::string>());
    const bool same = files[i].ref.same_version(row[2].as<std::uint64_t>(), row[3].c_str());
    if (same && !force_) {
      outcomes[i].status = FileStatus::skipped;
    } else {
      outcomes[i].replaced = true;
      replaced_ids.push_back(row[1].as<std::int64_t>());
    }
  }
  for (std::size_t i = 0; i < files.size(); ++i)
    if (outcomes[i].status != FileStatus::skipped && files[i].failed()) outcomes[i].status = FileStatus::failed;
  return outcomes;
}

void UnitLoader::replace_earlier(pqxx::work& txn, const std::vector<std::int64_t>& old_ids) const {
  const std::string ids = fmt::format("{{{}}}", fmt::join(old_ids, ","));
  // Blocks concurrent merges into sensor_hourly until this transaction ends, so the recompute below
  // sees every committed row and no other process adds a delta it would then overwrite.
  txn.exec(fmt::format("LOCK TABLE {} IN SHARE ROW EXCLUSIVE MODE", names_.sensor_hourly));
  txn.exec_params(fmt::format("INSERT INTO pg_temp.sluice_affected SELECT DISTINCT {}, date_trunc('hour', {}) "
                              "FROM {} WHERE file_id = ANY($1::bigint[])",
                              names_.sensor, names_.ts, names_.readings),
                  ids);
  txn.exec_params(fmt::format("DELETE FROM {} WHERE file_id = ANY($1::bigint[])", names_.readings), ids);
  txn.exec_params(fmt::format("DELETE FROM {} WHERE file_id = ANY($1::bigint[])", names_.rejects), ids);
}

void UnitLoader::copy_rows(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                           const std::vector<FileOutcome>& outcomes) const {
  std::vector<std::string_view> parts;
  CopyBuffer rejects;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!takes_rows(files[i], outcomes[i])) continue;
    if (!files[i].rows.empty()) parts.push_back(files[i].rows.bytes());
    for (const Reject& reject : files[i].rejects) {
      rejects.begin_row(4);
      rejects.add_int8(files[i].file_id);
      rejects.add_int8(reject.line);
      rejects.add_text(reject.reason);
      rejects.add_text(reject.raw);
    }
  }
  if (!parts.empty())
    session.copy_binary(
        txn, fmt::format("COPY {} ({}) FROM STDIN (FORMAT binary)", names_.readings, names_.readings_column_list()),
        parts);
  if (!rejects.empty())
    session.copy_binary(txn,
                        fmt::format("COPY {} (file_id, line, reason, raw) FROM STDIN (FORMAT binary)", names_.rejects),
                        {rejects.bytes()});
}

void UnitLoader::merge_aggregates(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                                  const std::vector<FileOutcome>& outcomes, bool recompute) const {
  AggregateDeltas unit(config_.measure_columns.size());
  for (std::size_t i = 0; i < files.size(); ++i)
    if (takes_rows(files[i], outcomes[i])) unit.merge(files[i].deltas);
  if (unit.size() > 0) {
    CopyBuffer deltas;
    const auto fields = static_cast<std::int16_t>(3 + 4 * config_.measure_columns.size());
    for (const auto& [key, hour] : unit.entries()) {
      deltas.begin_row(fields);
      deltas.add_text(key.sensor);
      deltas.add_timestamptz(key.hour_micros);
      deltas.add_int8(hour.rows);
      for (const MeasureAggregate& m : hour.measures) {
        deltas.add_int8(m.count);
        if (m.count == 0) {
          deltas.add_null();
          deltas.add_null();
          deltas.add_null();
        } else {
          deltas.add_float8(m.min);
          deltas.add_float8(m.max);
          deltas.add_float8(m.sum);
        }
      }
    }
    session.copy_binary(txn, "COPY pg_temp.sluice_delta FROM STDIN (FORMAT binary)", {deltas.bytes()});
    txn.exec(upsert_sql_);
  }
  if (recompute) txn.exec(recompute_sql_);
}

void UnitLoader::write_ledger(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                              const std::vector<FileOutcome>& outcomes) const {
  CopyBuffer ledger;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (outcomes[i].status == FileStatus::skipped) continue;
    const ParsedFile& file = files[i];
    ledger.begin_row(8);
    ledger.add_int8(file.file_id);
    ledger.add_text(file.ref.uri);
    ledger.add_int8(static_cast<std::int64_t>(file.ref.size));
    ledger.add_text(file.ref.version());
    ledger.add_int8(file.failed() ? 0 : file.rows_loaded());
    ledger.add_int8(file.failed() ? 0 : file.rows_rejected());
    ledger.add_text(status_text(file));
    if (file.failed())
      ledger.add_text(file.failure);
    else
      ledger.add_null();
  }
  if (ledger.empty()) return;
  session.copy_binary(txn, "COPY pg_temp.sluice_ledger FROM STDIN (FORMAT binary)", {ledger.bytes()});
  txn.exec(ledger_sql_);
}

std::vector<FileOutcome> UnitLoader::load(PgSession& session, const std::vector<ParsedFile>& files) const {
  pqxx::work txn(session.connection());
  std::vector<std::int64_t> replaced_ids;
  std::vector<FileOutcome> outcomes = decide(txn, files, replaced_ids);
  if (!replaced_ids.empty()) replace_earlier(txn, replaced_ids);
  copy_rows(session, txn, files, outcomes);
  merge_aggregates(session, txn, files, outcomes, !replaced_ids.empty());
  write_ledger(session, txn, files, outcomes);
  txn.commit();
  return outcomes;
}

}  // namespace sluice
