// libFuzzer target: one file's bytes through parse+validate (parse_file with the default sensor config).
// Besides crashes and sanitizer reports it checks the promises parse_file makes: every non-blank record
// after the header is either a loaded row or a reject (none lost, none invented), and a reject's raw text
// is valid UTF-8 of at most kMaxRawBytes. And the same bytes fed to FileParser in pieces (as a large file is
// streamed; the piece size taken from the input) give the same rows, rejects and failure as the file read whole.
#include <simdjson.h>

#include <algorithm>

#include <cstddef>
#include <cstdint>
#include <string>
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

// Parses `content` fed `piece` bytes at a time, the unread tail carried over; false when the file failed.
bool parse_in_pieces(std::string_view content, const sluice::Config& config, const sluice::ParseLimits& limits,
                     std::size_t piece, sluice::ParsedFile& out, std::string& rows) {
  try {
    sluice::FileParser parser(config, limits, out);
    std::string buffer;
    std::size_t read = 0;
    for (;;) {
      const std::size_t size = std::min(piece, content.size() - read);
      buffer.append(content.substr(read, size));
      read += size;
      const bool last = read == content.size();
      const std::size_t used = parser.feed(buffer, last);
      rows += out.rows.bytes();
      out.rows.clear();
      if (last) {
        if (used != buffer.size()) __builtin_trap();
        break;
      }
      buffer.erase(0, used);
    }
    parser.finish();
  } catch (const sluice::FileError&) {
    return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const sluice::Config config = sluice::default_config();
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  sluice::ParsedFile parsed;
  sluice::ParseLimits limits;
  limits.max_line_bytes = 1 << 16;
  bool loaded = true;
  try {
    sluice::parse_file(content, config, limits, parsed);
  } catch (const sluice::FileError&) {
    loaded = false;  // a failed file: an expected outcome
  }
  sluice::ParsedFile pieces;
  std::string piece_rows;
  const std::size_t piece = 1 + (size > 0 ? data[size - 1] % 61 : 0);
  if (parse_in_pieces(content, config, limits, piece, pieces, piece_rows) != loaded) __builtin_trap();
  if (!loaded) return 0;
  if (piece_rows != parsed.rows.bytes() || pieces.rejects.size() != parsed.rejects.size()) __builtin_trap();
  for (std::size_t i = 0; i < parsed.rejects.size(); ++i)
    if (pieces.rejects[i].line != parsed.rejects[i].line || pieces.rejects[i].reason != parsed.rejects[i].reason ||
        pieces.rejects[i].raw != parsed.rejects[i].raw)
      __builtin_trap();
  if (parsed.rows_loaded() + parsed.rows_rejected() != records_after_header(content, config)) __builtin_trap();
  for (const sluice::Reject& reject : parsed.rejects) {
    if (reject.raw.size() > sluice::kMaxRawBytes) __builtin_trap();
    if (!simdjson::validate_utf8(reject.raw.data(), reject.raw.size())) __builtin_trap();
    if (reject.reason.empty() || reject.line < 2) __builtin_trap();
  }
  return 0;
}
