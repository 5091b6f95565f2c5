#pragma once
// The ledger's state machine: given a file and its uri's current row, what the planner does with it and
// what its commit writes. One place, pure, so the planner and the loader (which decides again under the
// uri's lock) cannot disagree. docs/ledger.md shows the same rules as a table.
#include <optional>
#include <string>
#include <string_view>

#include "core/file_ref.hpp"
#include "pipeline/ledger.hpp"

namespace sluice {

struct LedgerRules {
  bool force = false;    ///< --force: load versions the ledger holds as loaded or given up
  int max_attempts = 3;  ///< --max-attempts: failures of one version before it is given up
  bool queue = false;    ///< --on-success move|delete: committed files are then disposed of
};

inline constexpr int kDefaultMaxAttempts = 3;

/// What the planner does with a listed file.
enum class PlanStep {
  load,           ///< new, changed, failed before (a retry), or forced
  skip_loaded,    ///< this version is loaded
  skip_given_up,  ///< this version failed --max-attempts times
  skip_expired,   ///< its rows were dropped by retention (--force reloads it)
  skip_stale,     ///< an event older (by sequencer) than the newest the ledger holds for the uri
};

/// Whether S3 event sequencer `a` is older than `b`: hex strings compared as numbers (the shorter one
/// left-padded with zeros), as AWS documents for events of one key. An empty sequencer is older than none
/// and newer than none: false whenever either is empty.
bool sequencer_older(std::string_view a, std::string_view b);

/// The newer of two sequencers (the non-empty one when one is empty).
std::string_view newest_sequencer(std::string_view a, std::string_view b);

PlanStep plan_step(const FileRef& file, const std::optional<LedgerRow>& row, const LedgerRules& rules);

/// What committing a file writes to the ledger (and to the data tables), inside the unit's transaction.
struct CommitStep {
  bool skip = false;          ///< another process committed this version meanwhile: write nothing
  bool insert_row = false;    ///< a new current row under the file's new id
  bool replace_rows = false;  ///< delete the rows, rejects and aggregate contributions stored under row->file_id
  std::optional<LedgerState> old_row_becomes;  ///< superseded or disposed (history)
  bool failure_in_place = false;  ///< the current row takes the newest version, failed, keeping its stored rows
  LedgerState state = LedgerState::loaded;  ///< of the inserted or updated row
  int attempts = 0;
  bool changed_before_disposal = false;  ///< a queue file rewritten after its commit, before its move: replaced
  std::string sequencer;  ///< the newest event sequencer known for the uri, kept on its current row (empty: none)
};

/// `parsed` says whether the file parsed (its rows are about to be written) or failed.
CommitStep commit_step(const FileRef& file, bool parsed, const std::optional<LedgerRow>& row, const LedgerRules& rules);

}  // namespace sluice
