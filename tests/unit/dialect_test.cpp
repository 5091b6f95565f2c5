// Configurable dialects: headerless files, decimal commas, null sentinels, defaults, bool
// columns, timestamps from patterns and from a date column plus a time column.
#include <doctest/doctest.h>

#include <string>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "parse/file_parser.hpp"
#include "value/timestamp.hpp"

using namespace sluice;

namespace {

ParsedFile parse(const std::string& text, const Config& config) {
  ParsedFile out;
  out.file_id = 1;
  parse_file(text, config, ParseLimits{}, out);
  return out;
}

std::int64_t at(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  return (days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second) * kMicrosPerSecond;
}

}  // namespace

TEST_CASE("dialect: a headerless file takes its field names from the config, first line is data") {
  const Config config = parse_config(R"({"dialect": {"header": false, "columns": ["ts", "sensor_id", "temperature"]},
    "columns": [{"name": "ts", "type": "timestamp", "required": true}, {"name": "sensor_id", "type": "text", "required": true},
                {"name": "temperature", "type": "float", "required": true}]})",
                                     "t");
  const ParsedFile file = parse("2026-01-01T00:00:00Z,s1,1.5\n2026-01-01T00:01:00Z,s1,abc\n", config);
  CHECK(file.rows_loaded() == 1);
  REQUIRE(file.rejects.size() == 1);
  CHECK(file.rejects[0].line == 2);
  CHECK(file.rejects[0].reason == "type:temperature");
}

TEST_CASE("dialect: semicolons, decimal comma, -200 sentinels, a default station, Date+Time at +01:00") {
  const Config config = parse_config(R"({"dialect": {"delimiter": ";", "decimal": ","},
    "timestamp_column": "ts", "sensor_column": "station",
    "columns": [{"name": "ts", "type": "timestamp", "required": true, "date_column": "Date", "time_column": "Time",
                 "format": "%d/%m/%Y %H.%M.%S", "zone": "+01:00"},
                {"name": "station", "type": "text", "required": true, "default": "uci-1"},
                {"name": "T", "type": "float", "null": ["-200"], "min": -40, "max": 60}]})",
                                     "t");
  const ParsedFile file = parse(
      "Date;Time;T;;\n10/03/2004;18.00.00;13,6;;\n10/03/2004;19.00.00;-200;;\n31/02/2004;20.00.00;1,0;;\n"
      "10/03/2004;21.00.00;99,5;;\n10/03/2004;22.00.00;1.5;;\n",
      config);
  CHECK(file.rows_loaded() == 2);  // 13,6 and the -200 (NULL)
  REQUIRE(file.rejects.size() == 3);
  CHECK(file.rejects[0].reason == "timestamp");  // Feb 31
  CHECK(file.rejects[1].reason == "range:T");
  CHECK(file.rejects[2].reason == "type:T");  // a decimal point where a comma is expected
  const auto& deltas = file.deltas.entries();
  REQUIRE(deltas.size() == 2);
  const SensorHour first{"uci-1", at(2004, 3, 10, 17, 0, 0)};  // 18:00 at +01:00 is 17:00 UTC
  REQUIRE(deltas.count(first) == 1);
  CHECK(deltas.at(first).measures[0].sum == doctest::Approx(13.6));
  const SensorHour second{"uci-1", at(2004, 3, 10, 18, 0, 0)};
  REQUIRE(deltas.count(second) == 1);
  CHECK(deltas.at(second).measures[0].count == 0);  // the sentinel is NULL, not a value
}

TEST_CASE("dialect: bool columns and epoch seconds with fractions") {
  const Config config = parse_config(R"({"sensor_column": "device", "timestamp_column": "ts",
    "columns": [{"name": "ts", "type": "timestamp", "required": true, "format": "epoch_s"},
                {"name": "device", "type": "text", "required": true},
                {"name": "light", "type": "bool", "required": true}]})",
                                     "t");
  const ParsedFile file = parse(
      "\"ts\",\"device\",\"light\"\n\"1594512094.3859746\",\"b8:27:eb:bf:9d:51\",\"false\"\n"
      "\"1594512095\",\"b8:27:eb:bf:9d:51\",\"maybe\"\n",
      config);
  CHECK(file.rows_loaded() == 1);
  REQUIRE(file.rejects.size() == 1);
  CHECK(file.rejects[0].reason == "type:light");
}

TEST_CASE("timestamp patterns: fields, fractions, zones, impossible dates") {
  std::int64_t micros = 0;
  CHECK(parse_pattern("2004-03-10 18:00:00", "%Y-%m-%d %H:%M:%S", 0, micros));
  CHECK(micros == at(2004, 3, 10, 18, 0, 0));
  CHECK(parse_pattern("10/03/2004 18.00.00", "%d/%m/%Y %H.%M.%S", 3600, micros));
  CHECK(micros == at(2004, 3, 10, 17, 0, 0));
  CHECK(parse_pattern("2004-03-10T18:00:00.5+02:00", "%Y-%m-%dT%H:%M:%S.%f%z", 0, micros));
  CHECK(micros == at(2004, 3, 10, 16, 0, 0) + 500'000);
  CHECK_FALSE(parse_pattern("30/02/2004 18.00.00", "%d/%m/%Y %H.%M.%S", 0, micros));
  CHECK_FALSE(parse_pattern("10/03/2004 18.00", "%d/%m/%Y %H.%M.%S", 0, micros));
  CHECK_FALSE(parse_pattern("10/03/2004 18.00.00x", "%d/%m/%Y %H.%M.%S", 0, micros));
  int offset = 0;
  CHECK(parse_zone_offset("+05:30", offset));
  CHECK(offset == 19800);
  CHECK(parse_zone_offset("UTC", offset));
  CHECK(offset == 0);
  CHECK_FALSE(parse_zone_offset("Europe/Rome", offset));
}

TEST_CASE("config: dialect mistakes are reported with their path") {
  CHECK_THROWS_WITH(
      parse_config(R"({"dialect": {"decimal": ","}, "columns": [{"name": "ts", "type": "timestamp", "required": true},
    {"name": "sensor_id", "type": "text", "required": true}]})",
                   "t"),
      doctest::Contains("$.dialect.decimal"));
  CHECK_THROWS_WITH(
      parse_config(R"({"columns": [{"name": "ts", "type": "timestamp", "required": true, "date_column": "D"},
    {"name": "sensor_id", "type": "text", "required": true}]})",
                   "t"),
      doctest::Contains("date_column and time_column go together"));
  CHECK_THROWS_WITH(
      parse_config(R"({"columns": [{"name": "ts", "type": "timestamp", "required": true, "zone": "Mars/Olympus"},
    {"name": "sensor_id", "type": "text", "required": true}]})",
                   "t"),
      doctest::Contains("$.columns[0].zone"));
}

TEST_CASE("dialect: a headerless file may leave optional columns out of $.dialect.columns (NULL)") {
  // The strict header rule (a configured column the header lacks fails the file) is for headers only.
  const Config config = parse_config(R"({"dialect": {"header": false, "columns": ["ts", "sensor_id", "temperature"]},
    "columns": [{"name": "ts", "type": "timestamp", "required": true}, {"name": "sensor_id", "type": "text", "required": true},
                {"name": "temperature", "type": "float", "required": true}, {"name": "humidity", "type": "float"}]})",
                                     "t");
  const ParsedFile file = parse("2026-01-01T00:00:00Z,s1,1.5\n2026-01-01T00:01:00Z,s1,2.5\n", config);
  CHECK(file.rows_loaded() == 2);
  CHECK(file.rejects.empty());
  const auto& deltas = file.deltas.entries();
  REQUIRE(deltas.size() == 1);
  REQUIRE(deltas.begin()->second.measures.size() == 2);
  CHECK(deltas.begin()->second.measures[1].count == 0);  // humidity: NULL in both rows

  // Without $.dialect.columns the names are the config's, all present.
  const Config all = parse_config(R"({"dialect": {"header": false},
    "columns": [{"name": "ts", "type": "timestamp", "required": true}, {"name": "sensor_id", "type": "text", "required": true},
                {"name": "humidity", "type": "float"}]})",
                                  "t");
  CHECK(parse("2026-01-01T00:00:00Z,s1,40\n", all).rows_loaded() == 1);

  // With the same file given a header, the missing humidity fails it.
  Config with_header = config;
  with_header.dialect.header = true;
  CHECK_THROWS_WITH_AS(parse("ts,sensor_id,temperature\n2026-01-01T00:00:00Z,s1,1.5\n", with_header),
                       doctest::Contains("column \"humidity\" is missing"), FileError);
}

TEST_CASE("dialect: header_case_insensitive applies to $.dialect.columns of a headerless file") {
  const std::string columns = R"("columns": [{"name": "ts", "type": "timestamp", "required": true},
    {"name": "sensor_id", "type": "text", "required": true}]})";
  CHECK_THROWS_WITH_AS(
      parse_config(R"({"dialect": {"header": false, "columns": ["TS", "Sensor_Id"]}, )" + columns, "t"),
      doctest::Contains("\"ts\" is required but not among $.dialect.columns"), UsageError);
  const Config config = parse_config(
      R"({"header_case_insensitive": true, "dialect": {"header": false, "columns": ["TS", "Sensor_Id"]}, )" + columns,
      "t");
  CHECK(parse("2026-01-01T00:00:00Z,s1\n", config).rows_loaded() == 1);
}
