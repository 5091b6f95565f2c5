// judge_run and reject_ratio (lib/run/judge.hpp): how a run that was not cut short by an error ends.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "core/run_outcome.hpp"
#include "core/run_stats.hpp"
#include "run/judge.hpp"

namespace {

using sluice::judge_run;
using sluice::JudgeRules;
using sluice::RunOutcome;
using sluice::RunStats;

constexpr int kOk = static_cast<int>(sluice::ExitCode::ok);
constexpr int kPartial = static_cast<int>(sluice::ExitCode::partial);
constexpr int kStopped = static_cast<int>(sluice::ExitCode::stopped);

void set_rows(RunStats& stats, std::int64_t loaded, std::int64_t rejected) {
  stats.rows_loaded = loaded;
  stats.rows_rejected = rejected;
}

JudgeRules rules(double max_reject_ratio, bool dry_run = false) {
  JudgeRules out;
  out.max_reject_ratio = max_reject_ratio;
  out.dry_run = dry_run;
  return out;
}

}  // namespace

TEST_CASE("judge: a clean run is ok with exit code 0") {
  RunStats stats;
  stats.files_loaded = 3;
  set_rows(stats, 300, 0);
  const RunOutcome outcome = judge_run(stats, JudgeRules{}, false);
  CHECK(outcome.status == "ok");
  CHECK(outcome.exit_code == kOk);
  CHECK(outcome.exit_code == 0);
  CHECK(outcome.error.empty());
  CHECK_FALSE(outcome.dry_run);
}

TEST_CASE("judge: an empty run (nothing listed) is ok") {
  RunStats stats;
  const RunOutcome outcome = judge_run(stats, rules(0.0), false);
  CHECK(outcome.status == "ok");
  CHECK(outcome.exit_code == kOk);
}

TEST_CASE("judge: a failed file makes the run partial (exit 1)") {
  RunStats stats;
  stats.files_loaded = 5;
  stats.files_failed = 1;
  set_rows(stats, 100, 0);
  const RunOutcome outcome = judge_run(stats, JudgeRules{}, false);
  CHECK(outcome.status == "partial");
  CHECK(outcome.exit_code == kPartial);
  CHECK(outcome.exit_code == 1);
}

TEST_CASE("judge: a stop is stopped (exit 130) whatever else happened") {
  RunStats stats;
  stats.files_failed = 2;
  set_rows(stats, 10, 90);  // far over any ratio
  stats.consumer.batches_over_reject_ratio = 3;
  const RunOutcome outcome = judge_run(stats, rules(0.01), true);
  CHECK(outcome.status == "stopped");
  CHECK(outcome.exit_code == kStopped);
  CHECK(outcome.exit_code == 130);
}

TEST_CASE("judge: a reject ratio exactly at the limit is ok, one row over it is partial") {
  // 25 of 100 checked rows rejected: 0.25 exactly (both are exact binary fractions).
  RunStats at;
  set_rows(at, 75, 25);
  CHECK(sluice::reject_ratio(75, 25) == 0.25);
  const RunOutcome ok = judge_run(at, rules(0.25), false);
  CHECK(ok.status == "ok");
  CHECK(ok.exit_code == kOk);
  CHECK(ok.error.empty());

  RunStats over;
  set_rows(over, 74, 26);
  const RunOutcome partial = judge_run(over, rules(0.25), false);
  CHECK(partial.status == "partial");
  CHECK(partial.exit_code == kPartial);
  CHECK(partial.error.find("reject ratio") != std::string::npos);
}

TEST_CASE("judge: with --max-reject-ratio 0 a single reject is partial, none is ok") {
  RunStats none;
  set_rows(none, 1000, 0);
  CHECK(judge_run(none, rules(0.0), false).status == "ok");

  RunStats one;
  set_rows(one, 999, 1);
  const RunOutcome outcome = judge_run(one, rules(0.0), false);
  CHECK(outcome.status == "partial");
  CHECK(outcome.exit_code == kPartial);
}

TEST_CASE("judge: the default limit (1.0) never trips on the ratio alone") {
  RunStats stats;
  set_rows(stats, 0, 50);  // every row rejected: ratio 1.0, not over 1.0
  CHECK(judge_run(stats, JudgeRules{}, false).status == "ok");
}

TEST_CASE("judge: a consumer batch over the reject ratio makes the run partial") {
  RunStats stats;
  stats.consumer.active = true;
  stats.consumer.batches = 10;
  stats.consumer.batches_over_reject_ratio = 2;
  set_rows(stats, 1000, 1);  // the run as a whole is under the limit
  const RunOutcome outcome = judge_run(stats, rules(0.5), false);
  CHECK(outcome.status == "partial");
  CHECK(outcome.exit_code == kPartial);
  CHECK(outcome.error.find("2 batches") != std::string::npos);

  stats.consumer.batches_over_reject_ratio = 0;
  CHECK(judge_run(stats, rules(0.5), false).status == "ok");
}

TEST_CASE("judge: the dry-run flag is carried into every outcome") {
  RunStats clean;
  CHECK(judge_run(clean, rules(1.0, true), false).dry_run);
  CHECK_FALSE(judge_run(clean, rules(1.0, false), false).dry_run);

  RunStats failed;
  failed.files_failed = 1;
  const RunOutcome partial = judge_run(failed, rules(1.0, true), false);
  CHECK(partial.status == "partial");
  CHECK(partial.dry_run);

  const RunOutcome stopped = judge_run(clean, rules(1.0, true), true);
  CHECK(stopped.status == "stopped");
  CHECK(stopped.dry_run);
}

TEST_CASE("judge: reject_ratio is rejected over checked rows, 0 when nothing was checked") {
  CHECK(sluice::reject_ratio(0, 0) == 0.0);
  CHECK(sluice::reject_ratio(10, 0) == 0.0);
  CHECK(sluice::reject_ratio(0, 10) == 1.0);
  CHECK(sluice::reject_ratio(3, 1) == 0.25);
}
