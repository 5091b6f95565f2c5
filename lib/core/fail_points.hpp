#pragma once
// Named places where a test makes the process die as a kill -9 would, to prove that no row is lost or
// doubled whatever moment a crash picks. Inert unless armed: the run reads SLUICE_FAIL_POINTS (a
// comma-separated list of names) once at start-up, through FailPoints::from_environment, and hands the
// value down; no other code looks at the environment for them.
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/// The points the code offers, so a typo in a test fails loudly instead of never firing.
inline constexpr std::string_view kFailAfterCommitBeforeDispose = "after-commit-before-dispose";
inline constexpr std::string_view kFailAfterCommitBeforeOffsets = "after-commit-before-offset-commit";
/// A streamed file's first piece has been sent to PostgreSQL, its transaction is open.
inline constexpr std::string_view kFailMidStream = "mid-stream";
/// Not a crash: the first load unit has committed, and the process stops itself (SIGSTOP) until a test sends
/// SIGCONT, so that whatever the test does to the server then happens mid-run, however loaded the machine.
inline constexpr std::string_view kPauseAfterFirstCommit = "pause-after-first-commit";

class FailPoints {
 public:
  FailPoints() = default;
  /// Parses "a,b"; throws UsageError for a name the code does not offer.
  explicit FailPoints(std::string_view armed);
  /// The points armed by SLUICE_FAIL_POINTS (none when it is unset).
  static FailPoints from_environment();

  [[nodiscard]] bool armed(std::string_view name) const;
  /// When `name` is armed: says so on stderr and ends the process at once with exit code 137, skipping
  /// destructors and every later step (as SIGKILL would).
  void hit(std::string_view name) const;
  /// When `name` is armed: says so on stderr and stops the whole process (SIGSTOP) until it is continued.
  void pause(std::string_view name) const;

 private:
  std::vector<std::string> armed_;
};

}  // namespace sluice
