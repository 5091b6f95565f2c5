#pragma once
// Pieces every database command shares: the effective config, the log format, a first connection.
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "core/logger.hpp"
#include "core/retry.hpp"
#include "ingest_command.hpp"
#include "load/pg_session.hpp"

namespace sluice {

/// The config file (or the default sensor format) with --schema applied.
Config effective_config(const CommonOptions& options);

LogFormat parse_log_format(const std::string& text);

/// The command line with secrets removed, for the runs table and logs.
std::string redacted_command_line(const std::vector<std::string>& argv);

}  // namespace sluice
