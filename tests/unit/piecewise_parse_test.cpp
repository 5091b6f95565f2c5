// FileParser fed in pieces (lib/parse/file_parser.hpp), as a large file is streamed: whatever the cut points,
// the rows, rejects (lines, reasons, raw text), aggregates, years and byte count are those of the file parsed
// whole — quotes over line ends, CRLF and CR-only files, a BOM, a header or a record cut anywhere.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "parse/file_parser.hpp"
#include "parse/parsed_file.hpp"

namespace {

struct Outcome {
  std::string rows;
  std::int64_t row_count = 0;
  std::vector<sluice::Reject> rejects;
  sluice::AggregateDeltas deltas;
  std::vector<int> years;
  std::uint64_t content_bytes = 0;
  std::string failure;
};

Outcome whole(std::string_view content, const sluice::Config& config, const sluice::ParseLimits& limits = {}) {
  sluice::ParsedFile file;
  file.file_id = 7;
  Outcome out;
  try {
    sluice::parse_file(content, config, limits, file);
  } catch (const sluice::FileError& error) {
    out.failure = error.what();
    return out;
  }
  out.rows = std::string(file.rows.bytes());
  out.row_count = file.rows.rows();
  out.rejects = file.rejects;
  out.deltas = file.deltas;
  out.years = file.years;
  out.content_bytes = file.content_bytes;
  return out;
}

// Feeds `content` as a reader would: `sizes` bytes at a time (cycling), the unread tail carried over.
Outcome in_pieces(std::string_view content, const sluice::Config& config, const std::vector<std::size_t>& sizes,
                  const sluice::ParseLimits& limits = {}) {
  sluice::ParsedFile file;
  file.file_id = 7;
  Outcome out;
  try {
    sluice::FileParser parser(config, limits, file);
    std::string buffer;
    std::size_t read = 0;
    for (std::size_t piece = 0;; ++piece) {
      const std::size_t size = std::min(sizes[piece % sizes.size()], content.size() - read);
      buffer.append(content.substr(read, size));
      read += size;
      const bool last = read == content.size();
      const std::size_t used = parser.feed(buffer, last);
      out.rows += file.rows.bytes();
      out.row_count += file.rows.rows();
      file.rows.clear();
      if (last) {
        CHECK(used == buffer.size());
        break;
      }
      buffer.erase(0, used);
    }
    parser.finish();
  } catch (const sluice::FileError& error) {  // the rows sent so far are rolled back with the file
    Outcome failed;
    failed.failure = error.what();
    return failed;
  }
  out.rejects = file.rejects;
  out.deltas = file.deltas;
  out.years = file.years;
  out.content_bytes = file.content_bytes;
  return out;
}

void check_same(const Outcome& a, const Outcome& b) {
  CHECK(a.failure == b.failure);
  CHECK(a.row_count == b.row_count);
  CHECK(a.rows == b.rows);
  REQUIRE(a.rejects.size() == b.rejects.size());
  for (std::size_t i = 0; i < a.rejects.size(); ++i) {
    CHECK(a.rejects[i].line == b.rejects[i].line);
    CHECK(a.rejects[i].reason == b.rejects[i].reason);
    CHECK(a.rejects[i].raw == b.rejects[i].raw);
  }
  CHECK(a.years == b.years);
  CHECK(a.content_bytes == b.content_bytes);
  REQUIRE(a.deltas.entries().size() == b.deltas.entries().size());
  for (const auto& [key, hour] : a.deltas.entries()) {
    const auto found = b.deltas.entries().find(key);
    REQUIRE(found != b.deltas.entries().end());
    CHECK(found->second.rows == hour.rows);
    for (std::size_t m = 0; m < hour.measures.size(); ++m) {
      CHECK(found->second.measures[m].count == hour.measures[m].count);
      CHECK(found->second.measures[m].sum == hour.measures[m].sum);
      CHECK(found->second.measures[m].min == hour.measures[m].min);
      CHECK(found->second.measures[m].max == hour.measures[m].max);
    }
  }
}

// Every cut point of a short file, then random piece sizes.
void check_every_cut(std::string_view content, const sluice::Config& config, const sluice::ParseLimits& limits = {}) {
  const Outcome expected = whole(content, config, limits);
  for (std::size_t size = 1; size <= content.size(); ++size) {
    CAPTURE(size);
    check_same(in_pieces(content, config, {size}, limits), expected);
  }
  std::mt19937 random(12345);
  for (int round = 0; round < 50; ++round) {
    std::vector<std::size_t> sizes;
    for (int i = 0; i < 8; ++i) sizes.push_back(1 + random() % 40);
    CAPTURE(round);
    check_same(in_pieces(content, config, sizes, limits), expected);
  }
}

// clang-format off
const std::string kMixed =
    "\xEF\xBB\xBFts,sensor_id,temperature,humidity,pressure,battery\r\n"
    "2026-01-01T00:10:00Z,s1,20,50,1000,3.5\r\n"
    "\r\n"
    "2026-01-01T00:50:00Z,\"s\"\"1\",22,,1010,\r\n"
    "2026-01-01T01:05:00Z,\"s,\r\n2\",25,60,,\r\n"
    "bad,s2,1,,,\r\n"
    "2026-01-01T00:30:00Z,s2,200,,,\r\n"
    "2025-12-31T23:59:59Z,s3,1.5,,,\r\n"
    "2026-01-01T00:00:00Z,s1\r\n"
    "2026-01-01T00:00:00Z,a\"b,1,,,\r\n"
    "2026-01-01T00:00:00Z,\"unclosed,1,,,\r\n2026-01-01T00:00:00Z,s1,1,,,\r\n";
// clang-format on

}  // namespace

TEST_CASE("piecewise parse: CRLF, a BOM, quotes over line ends, stray and unclosed quotes, any cut") {
  check_every_cut(kMixed, sluice::default_config());
}

TEST_CASE("piecewise parse: LF and CR-only line ends, no final line end, blank lines") {
  std::string lf =
      "ts,sensor_id,temperature,humidity,pressure,battery\n\n2026-03-01T00:10:00Z,s1,20,50,1000,3.5\n"
      "2027-01-01T00:00:00Z,s1,21,,,\n\n\n2026-03-01T00:11:00Z,s9,x,,,\n2026-03-01T00:12:00Z,s1,1,2,3,4";
  check_every_cut(lf, sluice::default_config());
  std::string cr = lf;
  for (char& c : cr)
    if (c == '\n') c = '\r';
  check_every_cut(cr, sluice::default_config());
  check_every_cut(lf + "\n", sluice::default_config());
}

TEST_CASE("piecewise parse: a headerless file, and files that fail, fail the same way") {
  const sluice::Config headerless = sluice::parse_config(
      R"({"dialect": {"header": false, "columns": ["ts", "sensor_id", "temperature"]},
    "columns": [{"name": "ts", "type": "timestamp", "required": true}, {"name": "sensor_id", "type": "text", "required": true},
                {"name": "temperature", "type": "float", "required": true}]})",
      "t");
  check_every_cut("2026-01-01T00:00:00Z,s1,1.5\n2026-01-01T00:01:00Z,s1,abc\n2026-01-01T00:02:00Z,\"s\n1\",2\n",
                  headerless);
  check_every_cut("", sluice::default_config());                        // no header line
  check_every_cut("ts,\"sensor_id\n", sluice::default_config());        // unclosed quote in the header
  check_every_cut(kMixed, sluice::default_config(), sluice::ParseLimits{2});  // too many rejects
}

TEST_CASE("piecewise parse: a record longer than --max-line-bytes fails even before its line end is read") {
  const std::string file = "ts,sensor_id,temperature,humidity,pressure,battery\n2026-01-01T00:00:00Z,\"" +
                           std::string(300, 'x') + "\",1,,,\n";
  const sluice::ParseLimits limits{0, 100};
  CHECK(whole(file, sluice::default_config(), limits).failure.find("--max-line-bytes") != std::string::npos);
  // Read 64 bytes at a time, the reader stops carrying the record once it is past the limit.
  CHECK(in_pieces(file, sluice::default_config(), {64}, limits).failure.find("--max-line-bytes") != std::string::npos);
}
