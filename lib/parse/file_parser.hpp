#pragma once
// One file's bytes -> encoded valid rows, rejects and aggregate deltas, in one pass.
#include <cstdint>
#include <string_view>

#include "config/config.hpp"
#include "parse/parsed_file.hpp"

namespace sluice {

/// Default of --max-line-bytes: 16 MiB per record, quoted line breaks included.
constexpr std::uint64_t kDefaultMaxLineBytes = 16ull << 20;

struct ParseLimits {
  std::int64_t max_rejects_per_file = 0;                ///< 0: no limit; beyond it the whole file fails
  std::uint64_t max_line_bytes = kDefaultMaxLineBytes;  ///< a longer record (header too) fails the file; 0: no limit
};

/// Longest sensor id accepted: it is part of sensor_hourly's primary key, and a btree entry must fit in
/// a third of a PostgreSQL page (~2.7 kB). A longer one is a `range:<sensor column>` reject.
constexpr std::size_t kMaxSensorIdBytes = 1024;

/// Bytes kept of a rejected row's text.
constexpr std::size_t kMaxRawBytes = 4096;

/// Parses and validates `content` into `out` (whose ref and file_id are set by the caller).
/// Throws FileError when the file cannot be loaded at all (no header, wrong header, too many rejects, a record
/// longer than limits.max_line_bytes).
void parse_file(std::string_view content, const Config& config, const ParseLimits& limits, ParsedFile& out);

/// A row's raw text for the rejects table: invalid UTF-8 and NUL bytes escaped as \xNN, cut at kMaxRawBytes.
std::string printable_raw(std::string_view raw);

}  // namespace sluice
