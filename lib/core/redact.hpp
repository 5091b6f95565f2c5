#pragma once
// Secrets never reach a log, an error, the summary or the runs table.
#include <string>
#include <string_view>

namespace sluice {

/// A libpq DSN (URI or key=value) with any password replaced by "***".
std::string redact_dsn(std::string_view dsn);

/// `text` with every occurrence of each non-empty secret replaced by "***".
std::string redact_secrets(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace sluice
