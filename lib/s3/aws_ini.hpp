#pragma once
// The INI dialect of ~/.aws/credentials and ~/.aws/config.
#include <map>
#include <string>
#include <string_view>

namespace sluice {

/// Section name -> key -> value.
using IniSections = std::map<std::string, std::map<std::string, std::string>, std::less<>>;

/// Reads `text`: [section] lines, key = value lines (keys lower-cased, both sides trimmed), blank lines,
/// and comment lines starting with # or ;. An indented line below a key is one of its nested settings
/// ("s3 =" then "  max_concurrent_requests = 20") and is skipped. Throws std::runtime_error naming the line
/// number, never its text (which may hold a secret), for a line that is none of these or a key before any
/// section.
IniSections parse_aws_ini(std::string_view text);

}  // namespace sluice
