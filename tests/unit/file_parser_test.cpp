// parse_file and printable_raw (lib/parse/file_parser.hpp): one file -> COPY rows, rejects, deltas, years.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "encode/copy_buffer.hpp"
#include "parse/file_parser.hpp"
#include "parse/parsed_file.hpp"
#include "value/timestamp.hpp"

namespace {

using sluice::kMicrosPerHour;
using sluice::kMicrosPerSecond;

std::int64_t utc(std::int64_t year, unsigned month, unsigned day, int hour, int minute = 0, int second = 0) {
  return sluice::days_from_civil(year, month, day) * 86'400 * kMicrosPerSecond +
         (static_cast<std::int64_t>(hour) * 3600 + minute * 60 + second) * kMicrosPerSecond;
}

// clang-format off
const std::string kFile =
    "ts,sensor_id,temperature,humidity,pressure,battery\n"  // 1
    "2026-01-01T00:10:00Z,s1,20,50,1000,3.5\n"              // 2
    "2026-01-01T00:50:00Z,s1,22,,1010,\n"                   // 3
    "\n"                                                    // 4 blank
    "2026-01-01T01:05:00Z,s1,25,60,,\r\n"                   // 5
    "2026-01-01T00:20:00Z,s2,-5,10,900,4\n"                 // 6
    "bad,s2,1,,,\n"                                         // 7 timestamp
    "2026-01-01T00:30:00Z,s2,200,,,\n"                      // 8 range:temperature
    "2025-12-31T23:59:59Z,s3,1.5,,,\n"                      // 9
    "\"2026-01-01T00:40:00Z\",\"s,2\",7,,,\n"               // 10
    "2026-01-01T00:00:00Z,s1\n"                             // 11 columns
    "2026-01-01T00:00:00Z,s\xff,1,,,";                      // 12 type:sensor_id, no final newline
// clang-format on

sluice::ParsedFile parse(std::string_view content, std::int64_t max_rejects = 0, std::int64_t file_id = 42) {
  sluice::ParsedFile out;
  out.file_id = file_id;
  sluice::parse_file(content, sluice::default_config(), sluice::ParseLimits{max_rejects}, out);
  return out;
}

const sluice::HourAggregate* find(const sluice::AggregateDeltas& deltas, const std::string& sensor, std::int64_t hour) {
  auto found = deltas.entries().find(sluice::SensorHour{sensor, hour});
  return found == deltas.entries().end() ? nullptr : &found->second;
}

void check_measure(const sluice::MeasureAggregate& measure, std::int64_t count, double min, double max, double sum) {
  CHECK(measure.count == count);
  CHECK(measure.min == min);
  CHECK(measure.max == max);
  CHECK(measure.sum == sum);
}

}  // namespace

TEST_CASE("file_parser: rows loaded and rejects with lines, reasons and raw text") {
  const sluice::ParsedFile parsed = parse(kFile);
  CHECK_FALSE(parsed.failed());
  CHECK(parsed.rows_loaded() == 6);
  CHECK(parsed.rows_rejected() == 4);
  CHECK(parsed.content_bytes == kFile.size());
  REQUIRE(parsed.rejects.size() == 4);
  CHECK(parsed.rejects[0].line == 7);
  CHECK(parsed.rejects[0].reason == "timestamp");
  CHECK(parsed.rejects[0].raw == "bad,s2,1,,,");
  CHECK(parsed.rejects[1].line == 8);
  CHECK(parsed.rejects[1].reason == "range:temperature");
  CHECK(parsed.rejects[1].raw == "2026-01-01T00:30:00Z,s2,200,,,");
  CHECK(parsed.rejects[2].line == 11);
  CHECK(parsed.rejects[2].reason == "columns");
  CHECK(parsed.rejects[2].raw == "2026-01-01T00:00:00Z,s1");
  CHECK(parsed.rejects[3].line == 12);
  CHECK(parsed.rejects[3].reason == "type:sensor_id");
  CHECK(parsed.rejects[3].raw == "2026-01-01T00:00:00Z,s\\xFF,1,,,");
}

TEST_CASE("file_parser: valid rows are encoded as binary COPY rows in config order, then file_id") {
  const sluice::ParsedFile parsed = parse(kFile, 0, 42);
  sluice::CopyBuffer expected;
  auto row = [&](std::int64_t ts, std::string_view sensor, double temperature, const double* humidity,
                 const double* pressure, const double* battery) {
    expected.begin_row(7);
    expected.add_timestamptz(ts);
    expected.add_text(sensor);
    expected.add_float8(temperature);
    for (const double* value : {humidity, pressure, battery}) {
      if (value)
        expected.add_float8(*value);
      else
        expected.add_null();
    }
    expected.add_int8(42);
  };
  const double h50 = 50, p1000 = 1000, b35 = 3.5, p1010 = 1010, h60 = 60, h10 = 10, p900 = 900, b4 = 4;
  row(utc(2026, 1, 1, 0, 10), "s1", 20, &h50, &p1000, &b35);
  row(utc(2026, 1, 1, 0, 50), "s1", 22, nullptr, &p1010, nullptr);
  row(utc(2026, 1, 1, 1, 5), "s1", 25, &h60, nullptr, nullptr);
  row(utc(2026, 1, 1, 0, 20), "s2", -5, &h10, &p900, &b4);
  row(utc(2025, 12, 31, 23, 59, 59), "s3", 1.5, nullptr, nullptr, nullptr);
  row(utc(2026, 1, 1, 0, 40), "s,2", 7, nullptr, nullptr, nullptr);
  CHECK(parsed.rows.rows() == 6);
  CHECK(parsed.rows.bytes().size() == expected.bytes().size());
  CHECK(parsed.rows.bytes() == expected.bytes());
}

TEST_CASE("file_parser: aggregate deltas per sensor-hour") {
  const sluice::ParsedFile parsed = parse(kFile);
  const auto& deltas = parsed.deltas;
  CHECK(deltas.measure_count() == 4);
  CHECK(deltas.size() == 5);

  const auto* s1_h0 = find(deltas, "s1", utc(2026, 1, 1, 0));
  REQUIRE(s1_h0);
  CHECK(s1_h0->rows == 2);
  REQUIRE(s1_h0->measures.size() == 4);
  check_measure(s1_h0->measures[0], 2, 20, 22, 42);
  check_measure(s1_h0->measures[1], 1, 50, 50, 50);
  check_measure(s1_h0->measures[2], 2, 1000, 1010, 2010);
  check_measure(s1_h0->measures[3], 1, 3.5, 3.5, 3.5);

  const auto* s1_h1 = find(deltas, "s1", utc(2026, 1, 1, 1));
  REQUIRE(s1_h1);
  CHECK(s1_h1->rows == 1);
  check_measure(s1_h1->measures[0], 1, 25, 25, 25);
  check_measure(s1_h1->measures[1], 1, 60, 60, 60);
  CHECK(s1_h1->measures[2].count == 0);
  CHECK(s1_h1->measures[3].count == 0);

  // Rejected rows of s2 (lines 7 and 8) add nothing.
  const auto* s2_h0 = find(deltas, "s2", utc(2026, 1, 1, 0));
  REQUIRE(s2_h0);
  CHECK(s2_h0->rows == 1);
  check_measure(s2_h0->measures[0], 1, -5, -5, -5);
  check_measure(s2_h0->measures[1], 1, 10, 10, 10);
  check_measure(s2_h0->measures[2], 1, 900, 900, 900);
  check_measure(s2_h0->measures[3], 1, 4, 4, 4);

  const auto* s3 = find(deltas, "s3", utc(2025, 12, 31, 23));
  REQUIRE(s3);
  CHECK(s3->rows == 1);
  check_measure(s3->measures[0], 1, 1.5, 1.5, 1.5);

  const auto* quoted = find(deltas, "s,2", utc(2026, 1, 1, 0));
  REQUIRE(quoted);
  CHECK(quoted->rows == 1);
  check_measure(quoted->measures[0], 1, 7, 7, 7);

  CHECK(find(deltas, "s1", utc(2026, 1, 1, 2)) == nullptr);
  CHECK(parsed.rows_loaded() == 2 + 1 + 1 + 1 + 1);
}

TEST_CASE("file_parser: years of the valid rows, each once, in first-seen order") {
  const sluice::ParsedFile parsed = parse(kFile);
  CHECK(parsed.years == std::vector<int>{2026, 2025});

  const sluice::ParsedFile spread = parse(
      "ts,sensor_id,temperature,humidity,pressure,battery\n"
      "1999-12-31T23:00:00Z,a,1,,,\n"
      "2000-01-01T00:00:00Z,a,1,,,\n"
      "1999-06-01T00:00:00Z,a,1,,,\n"
      "2000-01-01T00:30:00+01:00,a,1,,,\n"
      "1969-12-31T23:59:59Z,a,1,,,\n"
      "1970-01-01T00:00:00Z,a,1,,,\n");
  CHECK(spread.years == std::vector<int>{1999, 2000, 1969, 1970});
}

TEST_CASE("file_parser: empty and blank-only files throw FileError") {
  CHECK_THROWS_AS(parse(""), sluice::FileError);
  CHECK_THROWS_AS(parse("\n\n\r\n"), sluice::FileError);
  CHECK_THROWS_AS(parse("\xEF\xBB\xBF"), sluice::FileError);
}

TEST_CASE("file_parser: a bad header throws FileError") {
  CHECK_THROWS_WITH_AS(parse("time,device,value\n2026-01-01T00:00:00Z,a,1\n"), doctest::Contains("missing ts"),
                       sluice::FileError);
  CHECK_THROWS_AS(parse("ts,sensor_id,\"temperature\n"), sluice::FileError);
}

TEST_CASE("file_parser: a header-only file loads 0 rows") {
  for (std::string_view content : {"ts,sensor_id,temperature,humidity,pressure,battery",
                                   "ts,sensor_id,temperature,humidity,pressure,battery\r\n\r\n"}) {
    const sluice::ParsedFile parsed = parse(content);
    CHECK(parsed.rows_loaded() == 0);
    CHECK(parsed.rows_rejected() == 0);
    CHECK(parsed.rows.bytes().empty());
    CHECK(parsed.years.empty());
    CHECK(parsed.deltas.size() == 0);
  }
}

TEST_CASE("file_parser: max_rejects_per_file") {
  // kFile has 4 rejects: a limit of 4 passes, 3 fails at the fourth (line 12).
  CHECK(parse(kFile, 4).rows_rejected() == 4);
  CHECK_THROWS_WITH_AS(parse(kFile, 3), doctest::Contains("line 12"), sluice::FileError);
  CHECK_THROWS_WITH_AS(parse(kFile, 1), doctest::Contains("line 8: range:temperature"), sluice::FileError);
  CHECK(parse(kFile, 0).rows_rejected() == 4);  // 0: no limit
}

TEST_CASE("file_parser: max_line_bytes fails the file at the first longer record, header included") {
  auto parse_with = [](std::string_view content, std::uint64_t max_line_bytes) {
    sluice::ParsedFile out;
    sluice::parse_file(content, sluice::default_config(), sluice::ParseLimits{0, max_line_bytes}, out);
    return out;
  };
  // kFile's longest record is its header (50 bytes).
  CHECK(parse_with(kFile, 50).rows_loaded() == 6);
  CHECK_THROWS_WITH_AS(parse_with(kFile, 49),
                       doctest::Contains("line 1: record of 50 bytes exceeds --max-line-bytes (49)"),
                       sluice::FileError);
  const std::string long_row =
      std::string(kFile.substr(0, 51)) + "2026-01-01T00:00:00Z,s" + std::string(100, 'x') + ",1,,,\n";
  CHECK_THROWS_WITH_AS(parse_with(long_row, 100), doctest::Contains("line 2:"), sluice::FileError);
  CHECK(parse_with(long_row, 0).rows_loaded() == 1);  // 0: no limit
  // A line break inside quotes belongs to the record: the record is measured, not the physical line.
  const std::string quoted =
      std::string(kFile.substr(0, 51)) + "2026-01-01T00:00:00Z,\"s\n" + std::string(60, 'y') + "\",1,,,\n";
  CHECK_THROWS_WITH_AS(parse_with(quoted, 70), doctest::Contains("line 2:"), sluice::FileError);
  CHECK(sluice::ParseLimits{}.max_line_bytes == sluice::kDefaultMaxLineBytes);
}

TEST_CASE("file_parser: printable_raw keeps valid UTF-8 and escapes the rest") {
  using sluice::printable_raw;
  CHECK(printable_raw("abc,1,2") == "abc,1,2");
  CHECK(printable_raw("") == "");
  CHECK(printable_raw("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  CHECK(printable_raw("a\xff"
                      "b") == "a\\xFFb");
  CHECK(printable_raw(std::string_view("a\0b", 3)) == "a\\x00b");
  CHECK(printable_raw("\xC0\x80") == "\\xC0\\x80");                    // overlong NUL
  CHECK(printable_raw("\xED\xA0\x80") == "\\xED\\xA0\\x80");           // UTF-16 surrogate
  CHECK(printable_raw("x\xE2\x82") == "x\\xE2\\x82");                  // truncated sequence at the end
  CHECK(printable_raw("\xE2\x82z") == "\\xE2\\x82z");                  // truncated sequence in the middle
  CHECK(printable_raw("\x80") == "\\x80");                             // lone continuation byte
  CHECK(printable_raw("\xF4\x90\x80\x80") == "\\xF4\\x90\\x80\\x80");  // beyond U+10FFFF
}

TEST_CASE("file_parser: printable_raw cuts at kMaxRawBytes") {
  using sluice::kMaxRawBytes;
  using sluice::printable_raw;
  const std::string long_ascii(kMaxRawBytes + 1000, 'a');
  CHECK(printable_raw(long_ascii) == std::string(kMaxRawBytes, 'a'));
  CHECK(printable_raw(std::string(kMaxRawBytes, 'b')) == std::string(kMaxRawBytes, 'b'));
  CHECK(printable_raw(std::string(kMaxRawBytes - 1, 'b')) == std::string(kMaxRawBytes - 1, 'b'));
  // Escapes count at their printed size.
  const std::string binary(kMaxRawBytes, '\xff');
  const std::string printed = printable_raw(binary);
  CHECK(printed.size() == kMaxRawBytes);
  CHECK(printed.substr(0, 8) == "\\xFF\\xFF");
}

// BUG: lib/parse/file_parser.cpp printable_raw only checks `out.size() < kMaxRawBytes` before appending a
// whole UTF-8 sequence (up to 4 bytes) or a 4-byte "\xNN" escape, so the result can exceed kMaxRawBytes by up
// to 3 bytes (e.g. 4095 'a' + "é" -> 4097 bytes; 4095 'a' + "\xff" -> 4099 bytes). Expected: never more than
// kMaxRawBytes, cutting before a sequence/escape that does not fit.
TEST_CASE("file_parser: printable_raw never exceeds kMaxRawBytes") {
  using sluice::kMaxRawBytes;
  using sluice::printable_raw;
  const std::string prefix(kMaxRawBytes - 1, 'a');
  for (const std::string& tail : {std::string("\xC3\xA9"), std::string("\xff"), std::string("\xF0\x9F\x98\x80")}) {
    const std::string printed = printable_raw(prefix + tail);
    CHECK(printed.size() == prefix.size());  // the sequence or escape that does not fit is left out
    CHECK(printed.compare(0, prefix.size(), prefix) == 0);
  }
  CHECK(printable_raw(std::string(kMaxRawBytes - 2, 'a') + "\xff").size() <= kMaxRawBytes);
}

TEST_CASE("file_parser: a row that would take a sensor-hour sum to Infinity is a range: reject") {
  const sluice::Config config = sluice::parse_config(
      R"({"timestamp_column": "ts", "sensor_column": "sensor_id", "aggregate": ["value"],
          "columns": [{"name": "ts", "type": "timestamp", "required": true},
                      {"name": "sensor_id", "type": "text", "required": true}, {"name": "value", "type": "float"}]})",
      "test");
  sluice::ParsedFile out;
  sluice::parse_file(
      "ts,sensor_id,value\n"
      "2026-01-01T00:00:00Z,s1,1e308\n"
      "2026-01-01T00:10:00Z,s1,1e308\n"   // 2e308 overflows: rejected
      "2026-01-01T00:20:00Z,s1,-1e308\n"  // back to 0: fine
      "2026-01-01T01:00:00Z,s1,1e308\n",  // another hour: fine
      config, sluice::ParseLimits{}, out);
  REQUIRE(out.rejects.size() == 1);
  CHECK(out.rejects[0].line == 3);
  CHECK(out.rejects[0].reason == "range:value");
  CHECK(out.rows_loaded() == 3);
  for (const auto& [key, hour] : out.deltas.entries()) {
    CHECK(std::isfinite(hour.measures[0].sum));
    CHECK(hour.rows == hour.measures[0].count);
  }
}
