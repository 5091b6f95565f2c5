#include "s3/aws_ini.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

#include "core/ascii.hpp"
#include "s3/aws_credentials.hpp"

namespace sluice {
IniSections parse_aws_ini(std::string_view text) {
  IniSections sections;
  std::map<std::string, std::string>* section = nullptr;
  bool in_nested = false;  // below a key with an empty value: indented lines are its sub-settings
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view raw = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    const std::string_view line = strip_blanks(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const bool indented = raw.front() == ' ' || raw.front() == '\t';
    if (indented && in_nested) continue;
    if (line.front() == '[') {
      if (line.back() != ']')
        throw std::runtime_error(fmt::format("line {}: a section header without its closing ']'", line_number));
      section = &sections[std::string(strip_blanks(line.substr(1, line.size() - 2)))];
      in_nested = false;
      continue;
    }
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos)
      throw std::runtime_error(fmt::format("line {}: expected [section] or key = value", line_number));
    if (section == nullptr)
      throw std::runtime_error(fmt::format("line {}: a setting before the first [section]", line_number));
    const std::string key = ascii_lower(strip_blanks(line.substr(0, equals)));
    const std::string_view value = strip_blanks(line.substr(equals + 1));
    (*section)[key] = std::string(value);
    in_nested = value.empty();
  }
  return sections;
}

}  // namespace sluice
