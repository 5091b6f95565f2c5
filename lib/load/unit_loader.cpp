#include "load/unit_loader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "core/stable_hash.hpp"
#include "encode/copy_buffer.hpp"
#include "load/aggregate_store.hpp"
#include "load/ledger_rows.hpp"
#include "load/readings_store.hpp"

namespace sluice {
namespace {

bool takes_rows(const ParsedFile&, const FileOutcome& outcome) { return outcome.status == FileStatus::loaded; }

}  // namespace

UnitLoader::UnitLoader(const SqlNames& names, std::int64_t run_id, LedgerRules rules, CommittedFiles* async_commits)
    : names_(names), rules_(rules), run_id_(run_id), async_commits_(async_commits) {
  // Straight into the ledger: loaded_at and updated_at take their default, now(), the transaction's start, and
  // the run id goes in each row. (A temp table per session, staged and then inserted from, cost each new backend
  // ~8 ms and the catalogs a table's rows created and deleted per connection.)
  ledger_copy_sql_ = fmt::format(
      "COPY {} (file_id, uri, size, etag, rows_loaded, rows_rejected, status, error, attempts, stored_size, "
      "stored_etag, device, inode, dispose_pending, sequencer, run_id, hours) FROM STDIN (FORMAT binary)",
      names.files);
  history_sql_ = fmt::format(
      "UPDATE {} SET status = $2, dispose_pending = false, updated_at = now() WHERE file_id = ANY($1::bigint[])",
      names.files);
  // A failed new version keeps the rows of the version stored before it (stored_size/stored_etag say which).
  failure_sql_ = fmt::format(
      "UPDATE {} SET size = $2, etag = $3, status = $4, attempts = $5, error = $6, sequencer = nullif($7, ''), "
      "updated_at = now(), run_id = {} WHERE file_id = $1",
      names.files, run_id > 0 ? std::to_string(run_id) : "NULL");
}

UnitLoader::Decision UnitLoader::decide(pqxx::work& txn, const std::vector<ParsedFile>& files,
                                        const UnitMask* mask) const {
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
  const std::unordered_map<std::string, LedgerRow> rows = current_ledger_rows(txn, names_, uris);
  Decision decision;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const ParsedFile& file = files[i];
    const auto found = rows.find(file.ref.uri);
    std::optional<LedgerRow> row;
    if (found != rows.end()) row = found->second;
    const bool excluded = mask != nullptr && mask->excluded[i];
    const std::string& failure = mask != nullptr && !mask->failures[i].empty() ? mask->failures[i] : file.failure;
    CommitStep step = commit_step(file.ref, failure.empty(), row, rules_);
    if (excluded) {
      step = CommitStep();
      step.skip = true;
    }
    FileOutcome outcome;
    if (step.skip) {
      outcome.status = FileStatus::skipped;
    } else if (!failure.empty()) {
      outcome.status = FileStatus::failed;
      outcome.failure = failure;
      outcome.given_up = step.state == LedgerState::given_up;
    } else {
      outcome.replaced = step.replace_rows;
      if (step.replace_rows) decision.replaced_ids.push_back(row->file_id);
      if (step.changed_before_disposal)
        outcome.note = "changed after its rows committed, before it was moved or deleted: loaded as a replacement";
    }
    decision.current_ids.push_back(row ? row->file_id : 0);
    decision.outcomes.push_back(std::move(outcome));
    decision.steps.push_back(step);
  }
  return decision;
}

// The old versions' readings are found by file id within their hours (their ledger rows', and those their
// contributions list: a row written before the ledger kept hours has only those), then the contributions and
// rejects go: exactly what those files added, whether or not their readings are all still there. Their ledger
// rows no longer have stored hours.
void UnitLoader::replace_earlier(pqxx::work& txn, const std::vector<std::int64_t>& old_ids) const {
  const std::vector<std::vector<TimeSpan>> spans = stored_spans(txn, names_, old_ids);
  for (std::size_t i = 0; i < old_ids.size(); ++i) delete_file_readings(txn, names_, old_ids[i], spans[i]);
  delete_contributions(txn, names_, old_ids);
  const std::string ids = fmt::format("{{{}}}", fmt::join(old_ids, ","));
  txn.exec_params(fmt::format("DELETE FROM {} WHERE file_id = ANY($1::bigint[])", names_.rejects), ids);
  txn.exec_params(fmt::format("UPDATE {} SET hours = NULL WHERE file_id = ANY($1::bigint[])", names_.files), ids);
}

void UnitLoader::copy_rows(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                           const std::vector<FileOutcome>& outcomes, int direct_year) const {
  std::vector<std::string_view> parts, blocks;
  CopyBuffer rejects;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!takes_rows(files[i], outcomes[i])) continue;
    if (!files[i].rows.empty()) parts.push_back(files[i].rows.bytes());
    if (!files[i].blocks.empty()) blocks.push_back(files[i].blocks.bytes());
    for (const Reject& reject : files[i].rejects) {
      rejects.begin_row(4);
      rejects.add_int8(files[i].file_id);
      rejects.add_int8(reject.line);
      rejects.add_text(reject.reason);
      rejects.add_text(reject.raw);
    }
  }
  if (!blocks.empty()) session.copy_binary(txn, names_.blocks_copy_sql(), blocks);
  if (!parts.empty())
    session.copy_binary(
        txn, names_.readings_copy_sql(readings_copy_target(names_, direct_year, direct_year != 0)), parts);
  if (!rejects.empty())
    session.copy_binary(txn,
                        fmt::format("COPY {} (file_id, line, reason, raw) FROM STDIN (FORMAT binary)", names_.rejects),
                        {rejects.bytes()});
}

// Each file's contribution, as its own rows: appended, never merged into shared rows, so no row is locked or
// rewritten and a file's contribution can later be removed alone.
void UnitLoader::copy_contributions(PgSession& session, pqxx::work& txn, const std::vector<ParsedFile>& files,
                                    const std::vector<FileOutcome>& outcomes) const {
  // Sized before it is filled: grown by doubling, a 56 MB file's ~10 MB of contributions was copied ~20 MB over
  // into pages freshly faulted in.
  std::size_t entries = 0;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (takes_rows(files[i], outcomes[i])) entries += files[i].deltas.size();
  CopyBuffer contributions;
  contributions.reserve(entries * contribution_row_bytes(names_));
  for (std::size_t i = 0; i < files.size(); ++i)
    if (takes_rows(files[i], outcomes[i]))
      encode_contributions(files[i].file_id, files[i].deltas, names_, contributions);
  if (!contributions.empty()) session.copy_binary(txn, contributions_copy_sql(names_), {contributions.bytes()});
}

void UnitLoader::begin_load(pqxx::work& txn) const {
  // The commit then returns once its WAL is written, not flushed: one fsync less per unit on the load's critical
  // path (a tenth of a 10-file run on one session). A crash of the server can take such commits back (never part
  // of one: each still commits or not as a whole, ledger row included, so a re-run loads the file again);
  // confirm_durable at the end of the run makes them durable, and finds any that were lost.
  if (async_commits_ != nullptr) txn.exec0("SET LOCAL synchronous_commit = off");
}

void UnitLoader::committed(const std::vector<std::int64_t>& ledger_ids) const {
  if (async_commits_ != nullptr) async_commits_->add(ledger_ids);
}

std::vector<std::int64_t> UnitLoader::write_ledger(PgSession& session, pqxx::work& txn,
                                                   const std::vector<ParsedFile>& files,
                                                   const Decision& decision) const {
  CopyBuffer ledger;
  std::vector<std::int64_t> written;
  std::vector<std::int64_t> superseded, disposed;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const CommitStep& step = decision.steps[i];
    if (step.skip) continue;
    const ParsedFile& file = files[i];
    const FileOutcome& outcome = decision.outcomes[i];
    if (step.old_row_becomes == LedgerState::superseded) superseded.push_back(decision.current_ids[i]);
    if (step.old_row_becomes == LedgerState::disposed) disposed.push_back(decision.current_ids[i]);
    if (step.failure_in_place) {
      txn.exec_params(failure_sql_, decision.current_ids[i], static_cast<std::int64_t>(file.ref.size),
                      file.ref.version(), std::string(ledger_state_name(step.state)), step.attempts, outcome.failure,
                      step.sequencer);
      written.push_back(decision.current_ids[i]);
      continue;
    }
    if (!step.insert_row) continue;
    const bool loaded = outcome.status == FileStatus::loaded;
    ledger.begin_row(17);
    written.push_back(file.file_id);
    ledger.add_int8(file.file_id);
    ledger.add_text(file.ref.uri);
    ledger.add_int8(static_cast<std::int64_t>(file.ref.size));
    ledger.add_text(file.ref.version());
    ledger.add_int8(loaded ? file.rows_loaded() : 0);
    ledger.add_int8(loaded ? file.rows_rejected() : 0);
    ledger.add_text(ledger_state_name(step.state));
    if (loaded)
      ledger.add_null();
    else
      ledger.add_text(outcome.failure);
    ledger.add_int4(step.attempts);
    if (loaded) {
      ledger.add_int8(static_cast<std::int64_t>(file.ref.size));
      ledger.add_text(file.ref.version());
    } else {
      ledger.add_null();
      ledger.add_null();
    }
    if (file.ref.inode != 0) {
      ledger.add_int8(static_cast<std::int64_t>(file.ref.device));
      ledger.add_int8(static_cast<std::int64_t>(file.ref.inode));
    } else {
      ledger.add_null();
      ledger.add_null();
    }
    ledger.add_bool(loaded && rules_.queue && file.ref.scheme == FileScheme::local);
    if (step.sequencer.empty())
      ledger.add_null();
    else
      ledger.add_text(step.sequencer);
    if (run_id_ > 0)
      ledger.add_int8(run_id_);
    else
      ledger.add_null();
    if (loaded && !file.hour_spans.empty())
      ledger.add_time_spans(file.hour_spans);
    else
      ledger.add_null();
  }
  // History first: the new current rows then find their uri free in the partial unique index.
  if (!superseded.empty())
    txn.exec_params(history_sql_, fmt::format("{{{}}}", fmt::join(superseded, ",")), "superseded");
  if (!disposed.empty()) txn.exec_params(history_sql_, fmt::format("{{{}}}", fmt::join(disposed, ",")), "disposed");
  if (!ledger.empty()) session.copy_binary(txn, ledger_copy_sql_, {ledger.bytes()});
  return written;
}

std::vector<FileOutcome> UnitLoader::load(PgSession& session, const std::vector<ParsedFile>& files,
                                          const UnitMask* mask, int direct_year) const {
  pqxx::work txn(session.connection());
  begin_load(txn);
  Decision decision = decide(txn, files, mask);
  if (!decision.replaced_ids.empty()) replace_earlier(txn, decision.replaced_ids);
  copy_rows(session, txn, files, decision.outcomes, direct_year);
  copy_contributions(session, txn, files, decision.outcomes);
  const std::vector<std::int64_t> ledger_ids = write_ledger(session, txn, files, decision);
  txn.commit();
  committed(ledger_ids);
  return std::move(decision.outcomes);
}

FileOutcome UnitLoader::load_stream(PgSession& session, ParsedFile& file, RowStream& stream,
                                    const std::function<bool(int)>& year_ready,
                                    const std::function<void(const std::vector<int>&)>& ensure_years) const {
  stream.start(file);
  bool more = stream.next(file);
  ensure_years(file.years);
  std::vector<ParsedFile> one;  // the ledger decision needs its ref and id
  one.push_back(ParsedFile::unparsed(file.ref, file.file_id));
  pqxx::work txn(session.connection());
  begin_load(txn);
  Decision decision = decide(txn, one, nullptr);
  if (decision.outcomes[0].status == FileStatus::skipped) return decision.outcomes[0];
  if (!decision.replaced_ids.empty()) replace_earlier(txn, decision.replaced_ids);
  {
    // Rows layout: the readings, piece by piece. Blocks layout: the blocks as they are flushed; the loose
    // readings (sensor-hours too small for a block) build up in file.rows and go with the rejects below, or in a
    // COPY of their own between two of the blocks' once they reach the stream's bound (a file of sparse
    // sensor-hours would otherwise hold them all). The aggregates likewise: with the contributions below, or
    // between two of the readings' COPYs once they reach the bound (a file of millions of sensor-hours).
    const bool blocks = names_.layout == StorageLayout::blocks;
    const std::string rows_sql = names_.readings_copy_sql(readings_copy_target(names_, 0, false));
    const std::string blocks_sql = names_.blocks_copy_sql();
    std::optional<CopyIn> copy;
    copy.emplace(txn, blocks ? blocks_sql : rows_sql);
    // `bytes` by a COPY of their own, the readings' COPY ended before and started again after.
    auto copy_aside = [&](const std::string& sql, std::string_view bytes) {
      copy->finish();
      copy.reset();
      CopyIn aside(txn, sql);
      aside.send(bytes);
      aside.finish();
      copy.emplace(txn, blocks ? blocks_sql : rows_sql);
    };
    std::vector<int> missing;
    while (more) {
      for (int year : file.years)
        if (!year_ready(year)) missing.push_back(year);
      if (!missing.empty()) throw MissingYears{missing};  // the COPY and the transaction are rolled back
      copy->send(blocks ? file.blocks.bytes() : file.rows.bytes());
      if (blocks && stream.loose_rows_due(file)) {
        copy_aside(rows_sql, file.rows.bytes());
        file.hand_over_rows();
      }
      if (stream.contributions_due(file)) {
        CopyBuffer contributions;
        contributions.reserve(file.deltas.size() * contribution_row_bytes(names_));
        encode_contributions(file.file_id, file.deltas, names_, contributions);
        copy_aside(contributions_copy_sql(names_), contributions.bytes());
        file.deltas.clear();
      }
      more = stream.next(file);
    }
    copy->finish();
  }
  // Rejects, contributions and the ledger row as for a unit of this one file, now that it is all parsed (its rows
  // or blocks are sent: copy_rows has only the rejects, and the loose readings, left to write).
  std::swap(one[0], file);
  std::vector<std::int64_t> committed_ids;
  try {
    copy_rows(session, txn, one, decision.outcomes, 0);
    copy_contributions(session, txn, one, decision.outcomes);
    committed_ids = write_ledger(session, txn, one, decision);
    txn.commit();
  } catch (...) {
    std::swap(one[0], file);
    throw;
  }
  std::swap(one[0], file);
  committed(committed_ids);
  return decision.outcomes[0];
}

}  // namespace sluice
