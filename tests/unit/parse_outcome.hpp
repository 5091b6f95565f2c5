#pragma once
// What parsing `text` with `config` gives, as one comparable string: "<n> valid" and the reject reasons,
// sorted. Shared by the infer tests, which check that an inferred config loads its own sample.
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "parse/file_parser.hpp"

inline std::string parse_outcome(const sluice::Config& config, std::string_view text) {
  sluice::ParsedFile parsed;
  sluice::parse_file(text, config, {}, parsed);
  std::vector<std::string> reasons;
  for (const auto& reject : parsed.rejects) reasons.push_back(reject.reason);
  std::sort(reasons.begin(), reasons.end());
  std::string out = std::to_string(parsed.rows_loaded()) + " valid";
  for (const std::string& reason : reasons) out += " " + reason;
  return out;
}
