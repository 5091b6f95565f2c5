// The ledger's state machine (lib/pipeline/ledger_rules.hpp), row by row of the tables in docs/ledger.md.
#include <doctest/doctest.h>

#include "pipeline/ledger_rules.hpp"

namespace {

using sluice::CommitStep;
using sluice::FileRef;
using sluice::LedgerRow;
using sluice::LedgerRules;
using sluice::LedgerState;
using sluice::PlanStep;

FileRef file(std::uint64_t size = 10, std::int64_t mtime = 100, std::uint64_t inode = 5) {
  FileRef ref = FileRef::local("/in/a.csv", size, mtime);
  ref.device = 1;
  ref.inode = inode;
  return ref;
}

LedgerRow row(LedgerState state, std::uint64_t size = 10, std::int64_t mtime = 100, int attempts = 0) {
  LedgerRow out;
  out.file_id = 42;
  out.size = size;
  out.version = std::to_string(mtime);
  out.state = state;
  out.attempts = attempts;
  out.has_rows = state == LedgerState::loaded;
  out.device = 1;
  out.inode = 5;
  return out;
}

}  // namespace

TEST_CASE("ledger_rules: what the planner does with a listed file") {
  const LedgerRules rules;
  LedgerRules force;
  force.force = true;
  CHECK(plan_step(file(), std::nullopt, rules) == PlanStep::load);
  CHECK(plan_step(file(), row(LedgerState::loaded), rules) == PlanStep::skip_loaded);
  CHECK(plan_step(file(), row(LedgerState::loaded), force) == PlanStep::load);
  CHECK(plan_step(file(11), row(LedgerState::loaded), rules) == PlanStep::load);                  // another size
  CHECK(plan_step(file(10, 101), row(LedgerState::loaded), rules) == PlanStep::load);             // another mtime
  CHECK(plan_step(file(10, 100, 99), row(LedgerState::loaded), rules) == PlanStep::skip_loaded);  // inode alone: same
  CHECK(plan_step(file(), row(LedgerState::failed, 10, 100, 1), rules) == PlanStep::load);        // a retry
  CHECK(plan_step(file(), row(LedgerState::given_up, 10, 100, 3), rules) == PlanStep::skip_given_up);
  CHECK(plan_step(file(), row(LedgerState::given_up, 10, 100, 3), force) == PlanStep::load);
  CHECK(plan_step(file(11), row(LedgerState::given_up, 10, 100, 3), rules) == PlanStep::load);
  CHECK(plan_step(file(), row(LedgerState::expired), rules) == PlanStep::skip_expired);
  CHECK(plan_step(file(), row(LedgerState::expired), force) == PlanStep::load);
  LedgerRow pending = row(LedgerState::loaded);
  pending.dispose_pending = true;
  CHECK(plan_step(file(), pending, rules) == PlanStep::skip_loaded);      // finish its move
  CHECK(plan_step(file(10, 100, 77), pending, rules) == PlanStep::load);  // another file under the name
}

TEST_CASE("ledger_rules: a file that loads") {
  const LedgerRules rules;
  const CommitStep fresh = commit_step(file(), true, std::nullopt, rules);
  CHECK(fresh.insert_row);
  CHECK_FALSE(fresh.replace_rows);
  CHECK_FALSE(fresh.old_row_becomes.has_value());
  CHECK(fresh.state == LedgerState::loaded);

  const CommitStep changed = commit_step(file(11), true, row(LedgerState::loaded), rules);
  CHECK(changed.insert_row);
  CHECK(changed.replace_rows);
  CHECK(changed.old_row_becomes == LedgerState::superseded);

  const CommitStep meanwhile = commit_step(file(), true, row(LedgerState::loaded), rules);
  CHECK(meanwhile.skip);  // another run committed this version since it was planned

  const CommitStep retried = commit_step(file(), true, row(LedgerState::failed, 10, 100, 2), rules);
  CHECK(retried.insert_row);
  CHECK(retried.old_row_becomes == LedgerState::superseded);
  CHECK_FALSE(retried.replace_rows);  // the failed row stored no rows
}

TEST_CASE("ledger_rules: a file that fails keeps the stored rows and counts attempts") {
  LedgerRules rules;
  rules.max_attempts = 3;
  const CommitStep first = commit_step(file(), false, std::nullopt, rules);
  CHECK(first.insert_row);
  CHECK(first.attempts == 1);
  CHECK(first.state == LedgerState::failed);

  const CommitStep new_version = commit_step(file(11), false, row(LedgerState::loaded), rules);
  CHECK(new_version.failure_in_place);
  CHECK_FALSE(new_version.replace_rows);  // the old version's rows stay
  CHECK_FALSE(new_version.insert_row);
  CHECK(new_version.attempts == 1);

  const CommitStep second = commit_step(file(), false, row(LedgerState::failed, 10, 100, 1), rules);
  CHECK(second.failure_in_place);
  CHECK(second.attempts == 2);
  CHECK(second.state == LedgerState::failed);
  const CommitStep last = commit_step(file(), false, row(LedgerState::failed, 10, 100, 2), rules);
  CHECK(last.attempts == 3);
  CHECK(last.state == LedgerState::given_up);
  const CommitStep other_version = commit_step(file(12), false, row(LedgerState::failed, 10, 100, 2), rules);
  CHECK(other_version.attempts == 1);  // attempts count per version

  LedgerRules once;
  once.max_attempts = 1;
  CHECK(commit_step(file(), false, std::nullopt, once).state == LedgerState::given_up);
}

TEST_CASE("ledger_rules: queue folders") {
  LedgerRules rules;
  rules.queue = true;
  LedgerRow pending = row(LedgerState::loaded);
  pending.dispose_pending = true;
  // Rewritten in place after its commit, before its move: a replacement, flagged.
  const CommitStep rewritten = commit_step(file(20, 200), true, pending, rules);
  CHECK(rewritten.replace_rows);
  CHECK(rewritten.old_row_becomes == LedgerState::superseded);
  CHECK(rewritten.changed_before_disposal);
  // Another file under the name while the row still waits (a crash after the move): new data, appended.
  const CommitStep upload = commit_step(file(20, 200, 77), true, pending, rules);
  CHECK(upload.insert_row);
  CHECK_FALSE(upload.replace_rows);
  CHECK(upload.old_row_becomes == LedgerState::disposed);
  const CommitStep failed_upload = commit_step(file(20, 200, 77), false, pending, rules);
  CHECK(failed_upload.insert_row);
  CHECK(failed_upload.old_row_becomes == LedgerState::disposed);
  CHECK(failed_upload.attempts == 1);
}

TEST_CASE("ledger_rules: state names round-trip") {
  for (LedgerState state : {LedgerState::loaded, LedgerState::failed, LedgerState::given_up, LedgerState::superseded,
                            LedgerState::disposed, LedgerState::expired})
    CHECK(sluice::parse_ledger_state(sluice::ledger_state_name(state)) == state);
  CHECK_THROWS(sluice::parse_ledger_state("loading"));
}

TEST_CASE("ledger_rules: S3 event sequencers compare as left-padded hex") {
  using sluice::newest_sequencer;
  using sluice::sequencer_older;
  CHECK(sequencer_older("0A", "0B"));
  CHECK_FALSE(sequencer_older("0B", "0A"));
  CHECK_FALSE(sequencer_older("0A", "0A"));
  CHECK(sequencer_older("FF", "100"));         // shorter: padded with zeros, not compared as text
  CHECK_FALSE(sequencer_older("0100", "FF"));  // leading zeros change nothing
  CHECK_FALSE(sequencer_older("", "0A"));      // no sequencer: not comparable
  CHECK_FALSE(sequencer_older("0A", ""));
  CHECK(newest_sequencer("0A", "0B") == "0B");
  CHECK(newest_sequencer("", "0B") == "0B");
  CHECK(newest_sequencer("0C", "") == "0C");
}

TEST_CASE("ledger_rules: an event older than the ledger's is stale; without sequencers the identity decides") {
  const LedgerRules rules;
  FileRef event = FileRef::s3("s3://b/k.csv", 10, "new");
  LedgerRow loaded;
  loaded.file_id = 7;
  loaded.size = 10;
  loaded.version = "new";
  loaded.state = LedgerState::loaded;
  loaded.has_rows = true;
  loaded.sequencer = "0B";

  event.sequencer = "0A";
  CHECK(sluice::plan_step(event, loaded, rules) == PlanStep::skip_stale);
  event.etag = "old";  // even naming another version: older than what the ledger recorded
  CHECK(sluice::plan_step(event, loaded, rules) == PlanStep::skip_stale);
  CHECK(sluice::commit_step(event, true, loaded, rules).skip);  // decided again under the lock
  LedgerRow failed = loaded;
  failed.state = LedgerState::failed;
  CHECK(sluice::plan_step(event, failed, rules) == PlanStep::skip_stale);
  CHECK(sluice::commit_step(event, false, failed, rules).skip);  // a stale event never counts an attempt

  event.sequencer = "0C";  // newer, another version: loads, and the row takes the newer sequencer
  CHECK(sluice::plan_step(event, loaded, rules) == PlanStep::load);
  CommitStep step = sluice::commit_step(event, true, loaded, rules);
  CHECK(step.insert_row);
  CHECK(step.sequencer == "0C");

  event.sequencer.clear();  // a plain message: the identity rule alone; the row keeps the sequencer it had
  CHECK(sluice::plan_step(event, loaded, rules) == PlanStep::load);
  CHECK(sluice::commit_step(event, true, loaded, rules).sequencer == "0B");
  event.etag = "new";
  CHECK(sluice::plan_step(event, loaded, rules) == PlanStep::skip_loaded);

  event.sequencer = "0A";  // --force loads whatever the ledger says
  LedgerRules force;
  force.force = true;
  CHECK(sluice::plan_step(event, loaded, force) == PlanStep::load);

  event.sequencer = "0D";  // a failure of a newer event's version keeps its sequencer too
  event.etag = "newer";
  step = sluice::commit_step(event, false, loaded, rules);
  CHECK(step.failure_in_place);
  CHECK(step.sequencer == "0D");
}
