#pragma once
// Exceptions that cross a boundary, each mapped to one of the exit codes (README.md lists them).
#include <stdexcept>
#include <string>

namespace sluice {

/// Exit codes: the interface a scheduler acts on; changing one is a breaking change.
enum class ExitCode : int {
  ok = 0,         ///< everything asked for is loaded (or skipped as already loaded)
  partial = 1,    ///< done, but some files failed or the reject ratio is over the limit
  usage = 2,      ///< bad command line or configuration
  fatal = 3,      ///< the database (or S3) stayed unreachable after the retries
  stopped = 130,  ///< stopped by SIGINT/SIGTERM after draining
};

/// A mistake in the command line or the configuration: reported before any file is read.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One input file cannot be loaded (unreadable, corrupt, wrong header): the file fails, the run goes on.
struct FileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The run cannot go on (database unreachable after retries, schema mismatch).
struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace sluice
