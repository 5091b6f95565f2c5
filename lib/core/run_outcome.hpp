#pragma once
// How a run ended: what the summary, the metrics, the runs row and the exit code report.
#include <string>

namespace sluice {

struct RunOutcome {
  std::string status;  ///< ok, partial, fatal, usage, stopped
  int exit_code = 0;
  bool dry_run = false;
  std::string error;  ///< why the run is not ok, if it says more than the counts (secrets removed)
};

}  // namespace sluice
