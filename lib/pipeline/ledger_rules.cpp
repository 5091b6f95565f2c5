#include "pipeline/ledger_rules.hpp"

#include <algorithm>
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

bool sequencer_older(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return false;
  const std::size_t width = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < width; ++i) {
    // Left-padded with '0' to the same width; the parser keeps hex digits only, upper case.
    const char left = i < width - a.size() ? '0' : a[i - (width - a.size())];
    const char right = i < width - b.size() ? '0' : b[i - (width - b.size())];
    if (left != right) return left < right;
  }
  return false;
}

std::string_view newest_sequencer(std::string_view a, std::string_view b) {
  if (a.empty()) return b;
  return sequencer_older(a, b) ? b : a;
}

PlanStep plan_step(const FileRef& file, const std::optional<LedgerRow>& row, const LedgerRules& rules) {
  if (!row) return PlanStep::load;
  // An event older than one whose file the ledger recorded announces a version that was replaced since:
  // loading what is there now would be harmless, but no read is needed to know there is nothing new.
  if (!rules.force && sequencer_older(file.sequencer, row->sequencer)) return PlanStep::skip_stale;
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
  const PlanStep planned = plan_step(file, row, rules);
  if (row && planned != PlanStep::load && (row->state != LedgerState::failed || planned == PlanStep::skip_stale)) {
    step.skip = true;  // committed (or given up), or a newer event recorded, by another process since planning
    return step;
  }
  step.sequencer = std::string(newest_sequencer(file.sequencer, row ? std::string_view(row->sequencer) : ""));
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
