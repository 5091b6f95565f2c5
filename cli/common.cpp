#include "common.hpp"

#include <fmt/format.h>

#include <cstdlib>

#include "core/errors.hpp"
#include "core/redact.hpp"

namespace sluice {

void add_common_options(CLI::App& command, CommonOptions& options) {
  command.add_option("--db", options.db, "PostgreSQL DSN (URI or key=value); default: libpq's PG* environment")
      ->envname("SLUICE_DB");
  command.add_option("--config", options.config_path, "JSON config: columns, types, ranges (default: sensor format)")
      ->check(CLI::ExistingFile);
  command.add_option("--schema", options.schema, "PostgreSQL schema for sluice's tables (default: sluice)");
  command.add_option("--log-format", options.log_format, "log lines as text or json")
      ->check(CLI::IsMember({"text", "json"}));
}

Config effective_config(const CommonOptions& options) {
  Config config = options.config_path.empty() ? default_config() : load_config(options.config_path);
  if (!options.schema.empty()) config.schema = options.schema;
  return config;
}

LogFormat parse_log_format(const std::string& text) { return text == "json" ? LogFormat::json : LogFormat::text; }

std::string redacted_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) line += (line.empty() ? "" : " ") + redact_dsn(arg);
  const char* password = std::getenv("PGPASSWORD");
  return redact_secrets(
      line, {password ? password : "", std::getenv("AWS_SECRET_ACCESS_KEY") ? std::getenv("AWS_SECRET_ACCESS_KEY") : "",
             std::getenv("AWS_SESSION_TOKEN") ? std::getenv("AWS_SESSION_TOKEN") : ""});
}

}  // namespace sluice
