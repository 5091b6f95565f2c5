#pragma once
// The file ledger as the pipeline sees it, without knowing it lives in PostgreSQL (source/ never talks to
// the database; the pipeline is handed an implementation). The rules that decide what happens to a file
// given its ledger row are in ledger_rules.hpp; docs/ledger.md has them as a table.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/file_ref.hpp"

namespace sluice {

/// The state of a ledger row. A uri has at most one current row (loaded, failed, given_up, expired) and any
/// number of history rows (superseded, disposed).
enum class LedgerState : std::uint8_t {
  loaded,      ///< this version's rows are stored
  failed,      ///< this version failed `attempts` times; the next run tries it again
  given_up,    ///< this version failed --max-attempts times: not tried again until it changes or `sluice retry`
  superseded,  ///< history: a newer version of the uri replaced this one's rows
  disposed,    ///< history: loaded, then moved or deleted by sluice; a new file under the uri is new data
  expired,     ///< its rows were dropped by retention; a listing of it is skipped and reported
};

std::string_view ledger_state_name(LedgerState state);
/// Throws std::invalid_argument for a name that is not a state.
LedgerState parse_ledger_state(std::string_view name);

/// A uri's current ledger row, as far as deciding about a file goes.
struct LedgerRow {
  std::int64_t file_id = 0;  ///< the id of the stored rows (or of the failed attempt when none are stored)
  std::uint64_t size = 0;    ///< the newest version seen
  std::string version;       ///< ... its mtime or ETag, as FileRef::version()
  LedgerState state = LedgerState::loaded;
  int attempts = 0;                     ///< failures of that version
  std::string error;                    ///< the last failure
  bool has_rows = false;                ///< rows of some version are stored under file_id
  std::uint64_t device = 0, inode = 0;  ///< local files: the file whose rows committed
  bool dispose_pending = false;         ///< committed in a queue folder, not yet moved or deleted
  std::string sequencer;                ///< the newest S3 event sequencer recorded for the uri; empty: none
};

class Ledger {
 public:
  virtual ~Ledger() = default;
  /// For each file, the current ledger row of its uri, if any.
  virtual std::vector<std::optional<LedgerRow>> current(const std::vector<FileRef>& files) = 0;
  /// `count` new, never reused file ids.
  virtual std::vector<std::int64_t> allocate_ids(std::size_t count) = 0;
  /// The file committed under `file_id` was moved or deleted: its uri is free for new data.
  virtual void mark_disposed(std::int64_t file_id) = 0;
};

/// --dry-run: nothing is known, ids are counted locally.
class NullLedger final : public Ledger {
 public:
  std::vector<std::optional<LedgerRow>> current(const std::vector<FileRef>& files) override {
    return std::vector<std::optional<LedgerRow>>(files.size());
  }
  std::vector<std::int64_t> allocate_ids(std::size_t count) override {
    std::vector<std::int64_t> ids(count);
    for (auto& id : ids) id = ++next_;
    return ids;
  }
  void mark_disposed(std::int64_t) override {}

 private:
  std::int64_t next_ = 0;
};

}  // namespace sluice
