#pragma once
// ASCII case folding for keys and names: locale-independent, so a config or credentials file reads the same
// whatever the machine's locale.
#include <string>
#include <string_view>

namespace sluice {

inline std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace sluice
