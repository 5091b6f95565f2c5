#include "pipeline/ledger_rules.hpp"

#include <stdexcept>

namespace sluice {
namespace {

constexpr std::string_view kStateNames[] = {"loaded", "failed", "given_up", "superseded", "disposed", "expired"};

// A queue file's row still waits for its move or delete, but the file now at the uri is another one (another
// inode): the committed file was disposed of by a run that died before recording it, and this is new data.
bool earlier_file_was_disposed(const FileRef& file, const LedgerRow& row) {
  return row.dispose_pending && file.scheme == FileScheme::local && row.inode != 0 && file.inode != 0 &&
         (row.inode != file.inode || row.device != file.device);
}

LedgerState after_failures(int attempts, const LedgerRules& rules) {
  return attempts >= rules.max_attempts ? LedgerState::given_up : LedgerState::failed;
}

}  // namespace

std::string_view ledger_state_name(LedgerState state) { return kStateNames[static_cast<int>(state)]; }

LedgerState parse_ledger_state(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kStateNames)); ++i)
    if (kStateNames[i] == name) return static_cast<LedgerState>(i);
  throw std::invalid_argument("unknown ledger state " + std::string(name));
}

PlanStep plan_step(const FileRef& file, const std::optional<LedgerRow>& row, const LedgerRules& rules) {
  if (!row) return PlanStep::load;
  if (row->state == LedgerState::expired) return rules.force ? PlanStep::load : PlanStep::skip_expired;
  if (!file.same_version(row->size, row->version)) return PlanStep::load;
  if (earlier_file_was_disposed(file, *row)) return PlanStep::load;  // same size and mtime, another file
  switch (row->state) {
    case LedgerState::loaded: return rules.force ? PlanStep::load : PlanStep::skip_loaded;
    case LedgerState::given_up: return rules.force ? PlanStep::load : PlanStep::skip_given_up;
    default: return PlanStep::load;  // failed: try again
  }
}

CommitStep commit_step(const FileRef& file, bool parsed, const std::optional<LedgerRow>& row,
                       const LedgerRules& rules) {
  CommitStep step;
  if (row && row->state != LedgerState::failed && plan_step(file, row, rules) != PlanStep::load) {
    step.skip = true;  // committed (or given up) by another process since this file was planned
    return step;
  }
  const bool new_data = !row || earlier_file_was_disposed(file, *row);
  if (row && new_data) step.old_row_becomes = LedgerState::disposed;
  if (parsed) {
    step.insert_row = true;
    step.state = LedgerState::loaded;
    if (row && !new_data) {
      step.old_row_becomes = LedgerState::superseded;
      step.replace_rows = row->has_rows;
      step.changed_before_disposal = row->dispose_pending && !file.same_version(row->size, row->version);
    }
    return step;
  }
  if (new_data) {  // the first failure of this uri's data: a row of its own, without stored rows
    step.insert_row = true;
    step.attempts = 1;
  } else {  // keep the stored rows of an earlier version; count failures of this version
    step.failure_in_place = true;
    const bool same = file.same_version(row->size, row->version) && row->state == LedgerState::failed;
    step.attempts = same ? row->attempts + 1 : 1;
  }
  step.state = after_failures(step.attempts, rules);
  return step;
}

}  // namespace sluice
