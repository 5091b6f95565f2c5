// libFuzzer target: one file's bytes through parse+validate (parse_file with the default sensor config).
// Besides crashes and sanitizer reports it checks the promises parse_file makes: every non-blank record
// after the header is either a loaded row or a reject (none lost, none invented), and a reject's raw text
// is valid UTF-8 of at most kMaxRawBytes.
#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "parse/csv_cursor.hpp"
#include "parse/file_parser.hpp"
#include "parse/parsed_file.hpp"

namespace {

std::int64_t records_after_header(std::string_view content, const sluice::Config& config) {
  sluice::CsvCursor cursor(content, config.dialect);
  sluice::CsvRecord record;
  std::int64_t records = -1;
  while (cursor.next(record)) ++records;
  return records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sluice::Config config = sluice::default_config();
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  sluice::ParsedFile parsed;
  sluice::ParseLimits limits;
  limits.max_line_bytes = 1 << 16;
  try {
    sluice::parse_file(content, config, limits, parsed);
  } catch (const sluice::FileError&) {
    return 0;  // a failed file: an expected outcome
  }
  if (parsed.rows_loaded() + parsed.rows_rejected() != records_after_header(content, config)) __builtin_trap();
  for (const sluice::Reject& reject : parsed.rejects) {
    if (reject.raw.size() > sluice::kMaxRawBytes) __builtin_trap();
    if (!simdjson::validate_utf8(reject.raw.data(), reject.raw.size())) __builtin_trap();
    if (reject.reason.empty() || reject.line < 2) __builtin_trap();
  }
  return 0;
}
