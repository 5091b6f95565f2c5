// RowValidator (lib/parse/row_validator.hpp): the reject codes, in the documented order.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "core/errors.hpp"
#include "parse/csv_cursor.hpp"
#include "parse/row_validator.hpp"
#include "value/timestamp.hpp"

namespace {

using sluice::CsvRecord;
using sluice::RowValidator;

const std::vector<std::string> kDefaultHeader = {"ts", "sensor_id", "temperature", "humidity", "pressure", "battery"};

std::vector<std::string_view> views(const std::vector<std::string>& strings) {
  return {strings.begin(), strings.end()};
}

// Owns the header and the row texts a validator's views point into.
struct Harness {
  sluice::Config config = sluice::default_config();
  std::vector<std::string> header;
  std::vector<std::string_view> header_views;
  RowValidator validator;
  std::vector<std::string> row;
  CsvRecord record;

  explicit Harness(std::vector<std::string> names = kDefaultHeader)
      : header(std::move(names)), header_views(views(header)), validator(config, header_views) {}

  std::string check(std::vector<std::string> fields, bool unclosed_quote = false) {
    row = std::move(fields);
    record.fields = views(row);
    record.unclosed_quote = unclosed_quote;
    record.line = 2;
    return std::string(validator.validate(record));
  }
};

const std::string kTs = "2026-01-01T00:00:00Z";

// Runs a whole CSV text (header + one row) through CsvCursor and RowValidator.
std::string validate_csv(std::string_view csv) {
  sluice::Config config = sluice::default_config();
  sluice::CsvCursor cursor(csv, config.dialect);
  CsvRecord header;
  REQUIRE(cursor.next(header));
  std::vector<std::string> names(header.fields.begin(), header.fields.end());
  std::vector<std::string_view> name_views = views(names);
  RowValidator validator(config, name_views);
  CsvRecord record;
  REQUIRE(cursor.next(record));
  return std::string(validator.validate(record));
}

}  // namespace

TEST_CASE("row_validator: a valid row yields typed values in config order") {
  Harness h;
  CHECK(h.check({kTs, "s1", "21.5", "40", "1013.25", "3.7"}) == "");
  const auto& values = h.validator.values();
  REQUIRE(values.size() == 6);
  CHECK_FALSE(values[0].null);
  CHECK(values[0].integer == 1'767'225'600LL * sluice::kMicrosPerSecond);
  CHECK_FALSE(values[1].null);
  CHECK(values[1].text == "s1");
  CHECK(values[2].real == 21.5);
  CHECK(values[3].real == 40.0);
  CHECK(values[4].real == 1013.25);
  CHECK(values[5].real == 3.7);
  for (const auto& value : values) CHECK_FALSE(value.null);
}

TEST_CASE("row_validator: columns (too few, too many, unclosed quote), checked first") {
  Harness h;
  CHECK(h.check({kTs, "s1", "21.5", "40", "1013"}) == "columns");
  CHECK(h.check({kTs, "s1", "21.5", "40", "1013", "3.7", "extra"}) == "columns");
  CHECK(h.check({kTs}) == "columns");
  CHECK(h.check({""}) == "columns");
  // A bad value does not win over a wrong field count.
  CHECK(h.check({"garbage", "", "999", "abc", "1013"}) == "columns");
  CHECK(h.check({"garbage", "", "999", "abc", "1013", "3.7", "x"}) == "columns");
  CHECK(h.check({kTs, "s1", "21.5", "40", "1013", "3.7"}, true) == "columns");
}

TEST_CASE("row_validator: missing required values") {
  Harness h;
  CHECK(h.check({"", "s1", "21.5", "40", "1013", "3.7"}) == "missing:ts");
  CHECK(h.check({kTs, "", "21.5", "40", "1013", "3.7"}) == "missing:sensor_id");
  CHECK(h.check({kTs, "s1", "", "40", "1013", "3.7"}) == "missing:temperature");
  CHECK(h.check({"", "", "", "", "", ""}) == "missing:ts");
}

TEST_CASE("row_validator: empty optional values are NULL") {
  Harness h;
  // Fill every value first so stale values from a previous row would show.
  REQUIRE(h.check({kTs, "s1", "21.5", "40", "1013", "3.7"}) == "");
  CHECK(h.check({kTs, "s2", "-3", "", "", ""}) == "");
  const auto& values = h.validator.values();
  CHECK_FALSE(values[0].null);
  CHECK(values[1].text == "s2");
  CHECK(values[2].real == -3.0);
  CHECK(values[3].null);
  CHECK(values[4].null);
  CHECK(values[5].null);
}

TEST_CASE("row_validator: a quoted empty value (\"\") is empty") {
  CHECK(validate_csv("ts,sensor_id,temperature,humidity,pressure,battery\n\"\",s1,20,,,\n") == "missing:ts");
  CHECK(validate_csv("ts,sensor_id,temperature,humidity,pressure,battery\n" + kTs + ",\"\",20,,,\n") ==
        "missing:sensor_id");
  CHECK(validate_csv("ts,sensor_id,temperature,humidity,pressure,battery\n" + kTs + ",s1,\"\",,,\n") ==
        "missing:temperature");
  CHECK(validate_csv("ts,sensor_id,temperature,humidity,pressure,battery\n" + kTs + ",s1,20,\"\",\"\",\"\"\n") == "");
  CHECK(validate_csv("ts,sensor_id,temperature,humidity,pressure,battery\n\"" + kTs + "\",\"s,1\",\"20\",,,\n") == "");
}

TEST_CASE("row_validator: unparsable or impossible timestamps") {
  Harness h;
  CHECK(h.check({"yesterday", "s1", "21.5", "", "", ""}) == "timestamp");
  CHECK(h.check({"2026-02-30T00:00:00Z", "s1", "21.5", "", "", ""}) == "timestamp");
  CHECK(h.check({"2026-01-01T00:00:00", "s1", "21.5", "", "", ""}) == "timestamp");
  CHECK(h.check({"1767225600", "s1", "21.5", "", "", ""}) == "timestamp");
}

TEST_CASE("row_validator: unparsable numbers are type:<column>") {
  Harness h;
  CHECK(h.check({kTs, "s1", "warm", "", "", ""}) == "type:temperature");
  CHECK(h.check({kTs, "s1", "21.5", "abc", "", ""}) == "type:humidity");
  CHECK(h.check({kTs, "s1", "21.5", "1,5", "", ""}) == "type:humidity");
  CHECK(h.check({kTs, "s1", "21.5", "", "nan", ""}) == "type:pressure");
  CHECK(h.check({kTs, "s1", "21.5", "", "", "inf"}) == "type:battery");
}

TEST_CASE("row_validator: invalid UTF-8 or an embedded NUL in text is type:<column>") {
  Harness h;
  CHECK(h.check({kTs,
                 "s\xff"
                 "1",
                 "21.5", "", "", ""}) == "type:sensor_id");
  CHECK(h.check({kTs, "\xC0\x80", "21.5", "", "", ""}) == "type:sensor_id");
  CHECK(h.check({kTs, std::string("a\0b", 3), "21.5", "", "", ""}) == "type:sensor_id");
  CHECK(h.check({kTs, "caf\xC3\xA9-\xE2\x82\xAC", "21.5", "", "", ""}) == "");
  CHECK(h.validator.values()[1].text == "caf\xC3\xA9-\xE2\x82\xAC");
}

TEST_CASE("row_validator: range bounds are inclusive") {
  Harness h;
  CHECK(h.check({kTs, "s1", "-50", "", "", ""}) == "");
  CHECK(h.check({kTs, "s1", "150", "", "", ""}) == "");
  CHECK(h.check({kTs, "s1", "150.01", "", "", ""}) == "range:temperature");
  CHECK(h.check({kTs, "s1", "-50.01", "", "", ""}) == "range:temperature");
  CHECK(h.check({kTs, "s1", "1e3", "", "", ""}) == "range:temperature");
  CHECK(h.check({kTs, "s1", "20", "0", "300", "0"}) == "");
  CHECK(h.check({kTs, "s1", "20", "100", "1100", "5"}) == "");
  CHECK(h.check({kTs, "s1", "20", "100.5", "", ""}) == "range:humidity");
  CHECK(h.check({kTs, "s1", "20", "-0.1", "", ""}) == "range:humidity");
  CHECK(h.check({kTs, "s1", "20", "", "299.9", ""}) == "range:pressure");
  CHECK(h.check({kTs, "s1", "20", "", "1100.1", ""}) == "range:pressure");
  CHECK(h.check({kTs, "s1", "20", "", "", "5.01"}) == "range:battery");
  CHECK(h.check({kTs, "s1", "20", "", "", "-1"}) == "range:battery");
}

TEST_CASE("row_validator: the first bad column in the default order wins") {
  Harness h;
  CHECK(h.check({"bad", "", "999", "abc", "", ""}) == "timestamp");
  CHECK(h.check({kTs, "", "999", "abc", "", ""}) == "missing:sensor_id");
  CHECK(h.check({kTs, "s1", "999", "abc", "", ""}) == "range:temperature");
  CHECK(h.check({kTs, "s1", "20", "abc", "2000", "9"}) == "type:humidity");
  CHECK(h.check({kTs, "s1", "20", "50", "2000", "x"}) == "range:pressure");
}

TEST_CASE("row_validator: the order of checks follows the file's column order") {
  Harness h({"battery", "humidity", "temperature", "sensor_id", "ts", "pressure"});
  // Same bad values as above, found in this file's order.
  CHECK(h.check({"9", "abc", "999", "", "bad", ""}) == "range:battery");
  CHECK(h.check({"", "abc", "999", "", "bad", ""}) == "type:humidity");
  CHECK(h.check({"", "", "999", "", "bad", ""}) == "range:temperature");
  CHECK(h.check({"", "", "20", "", "bad", ""}) == "missing:sensor_id");
  CHECK(h.check({"", "", "20", "s1", "bad", "2000"}) == "timestamp");
  CHECK(h.check({"", "", "20", "s1", kTs, "2000"}) == "range:pressure");
}

TEST_CASE("row_validator: header in any order maps values to config order") {
  Harness h({"pressure", "ts", "battery", "sensor_id", "humidity", "temperature"});
  CHECK(h.check({"1000", kTs, "4.5", "dev-7", "55", "-12.5"}) == "");
  const auto& values = h.validator.values();
  CHECK(values[0].integer == 1'767'225'600LL * sluice::kMicrosPerSecond);
  CHECK(values[1].text == "dev-7");
  CHECK(values[2].real == -12.5);
  CHECK(values[3].real == 55.0);
  CHECK(values[4].real == 1000.0);
  CHECK(values[5].real == 4.5);
}

TEST_CASE("row_validator: extra header columns are ignored, whatever their values") {
  Harness h({"note", "ts", "sensor_id", "temperature", "humidity", "pressure", "battery", "site"});
  CHECK(h.check({"\xff\xfe", kTs, "s1", "20", "", "", "", "not a number"}) == "");
  CHECK(h.validator.values()[1].text == "s1");
  CHECK(h.validator.values()[2].real == 20.0);
  // The field count still counts the extra columns.
  CHECK(h.check({kTs, "s1", "20", "", "", ""}) == "columns");
}

TEST_CASE("row_validator: optional columns may be absent from the header only when optional_in_header") {
  sluice::Config config = sluice::default_config();
  std::vector<std::string> names = {"ts", "sensor_id", "temperature"};
  std::vector<std::string_view> header = views(names);
  // The default format is strict: a header without humidity, pressure and battery fails.
  CHECK_THROWS_WITH_AS(RowValidator(config, header), doctest::Contains("column \"humidity\" is missing"),
                       sluice::FileError);
  for (std::size_t i = 3; i < 6; ++i) config.columns[i].optional_in_header = true;
  RowValidator validator(config, header);
  std::vector<std::string> row = {kTs, "s1", "20"};
  CsvRecord record;
  record.fields = views(row);
  CHECK(validator.validate(record) == "");
  CHECK(validator.values()[3].null);
  CHECK(validator.values()[4].null);
  CHECK(validator.values()[5].null);
}

TEST_CASE("row_validator: a header missing a required column throws FileError naming it") {
  const sluice::Config config = sluice::default_config();
  std::vector<std::string> names = {"ts", "sensor_id", "humidity", "pressure", "battery"};
  std::vector<std::string_view> header = views(names);
  CHECK_THROWS_WITH_AS(RowValidator(config, header), doctest::Contains("missing temperature"), sluice::FileError);

  names = {"time", "device", "temperature"};
  header = views(names);
  CHECK_THROWS_WITH_AS(RowValidator(config, header), doctest::Contains("missing ts,sensor_id"), sluice::FileError);
  CHECK_THROWS_WITH_AS(RowValidator(config, header), doctest::Contains("got time,device,temperature"),
                       sluice::FileError);
}

TEST_CASE("row_validator: a header naming a column twice throws FileError") {
  const sluice::Config config = sluice::default_config();
  std::vector<std::string> names = {"ts", "sensor_id", "temperature", "ts"};
  std::vector<std::string_view> header = views(names);
  CHECK_THROWS_WITH_AS(RowValidator(config, header), doctest::Contains("\"ts\" twice"), sluice::FileError);
  names = {"ts", "sensor_id", "temperature", "humidity", "humidity"};
  header = views(names);
  CHECK_THROWS_AS(RowValidator(config, header), sluice::FileError);
}

// --- header matching: a configured column the header lacks fails the file, unless it has a default
// or is optional_in_header; header_case_insensitive matches names ignoring ASCII case. ---------------

namespace {

// The FileError message RowValidator throws for `names` under `config`, or "" when it maps.
std::string header_error(const sluice::Config& config, std::vector<std::string> names) {
  const std::vector<std::string_view> header = views(names);
  try {
    RowValidator validator(config, header);
  } catch (const sluice::FileError& error) {
    return error.what();
  }
  return "";
}

sluice::Config humidity_config(std::string_view humidity_keys, std::string_view root_keys = "") {
  return sluice::parse_config(std::string("{") + std::string(root_keys) + R"("columns": [
    {"name": "ts", "type": "timestamp", "required": true}, {"name": "sensor_id", "type": "text", "required": true},
    {"name": "temperature", "type": "float", "required": true},
    {"name": "humidity", "type": "float")" +
                                  std::string(humidity_keys) + "}]}",
                              "test.json");
}

}  // namespace

TEST_CASE("row_validator: a misspelled optional column fails the file, naming it and the nearest header name") {
  const sluice::Config config = sluice::default_config();
  std::string message = header_error(config, {"ts", "sensor_id", "temperature", "Humidity", "pressure", "battery"});
  CHECK(message.find("bad header: column \"humidity\" is missing (nearest in the header: \"Humidity\")") == 0);
  CHECK(message.find("expected a header with ts,sensor_id,temperature,humidity,pressure,battery") != std::string::npos);
  CHECK(message.find("got ts,sensor_id,temperature,Humidity,pressure,battery") != std::string::npos);
  CHECK(message.find("optional_in_header") != std::string::npos);

  // Nearest by edit distance when no name is equal ignoring case; one clause per missing column.
  message = header_error(config, {"ts", "sensor_id", "temperature", "humidty", "presure", "battery"});
  CHECK(message.find("column \"humidity\" is missing (nearest in the header: \"humidty\")") != std::string::npos);
  CHECK(message.find("column \"pressure\" is missing (nearest in the header: \"presure\")") != std::string::npos);
  // A name equal ignoring case wins wherever it is; a name another column took is not offered.
  message = header_error(config, {"ts", "sensor_id", "temperature", "humidit", "HUMIDITY", "pressure", "battery"});
  CHECK(message.find("(nearest in the header: \"HUMIDITY\")") != std::string::npos);
  message = header_error(config, {"ts", "sensor_id", "temperature", "pressure", "battery"});
  CHECK(message.find("column \"humidity\" is missing;") != std::string::npos);

  // Nothing reasonably close: no nearest name (distance > max(2, length / 3)).
  message = header_error(config, {"ts", "sensor_id", "temperature", "moisture", "pressure", "battery"});
  CHECK(message.find("bad header: column \"humidity\" is missing; expected") == 0);
  message = header_error(config, {"ts", "sensor_id", "temperature", "humidity", "pressure", "batt"});
  CHECK(message.find("column \"battery\" is missing;") != std::string::npos);  // distance 3 > 2
  message = header_error(config, {"ts", "sensor_id", "temperature", "humidity", "pressure", "batery"});
  CHECK(message.find("column \"battery\" is missing (nearest in the header: \"batery\")") != std::string::npos);

  // A missing required column keeps its message, with the nearest names added.
  message = header_error(config, {"ts", "sensor_id", "Temperature", "Humidity", "pressure", "battery"});
  CHECK(message.find("bad header: expected a header with ts,sensor_id") == 0);
  CHECK(message.find("(required: missing temperature; nearest in the header: \"Temperature\" for \"temperature\", "
                     "\"Humidity\" for \"humidity\"); got ts,sensor_id,Temperature,") != std::string::npos);
  // A short name is not "near" a name it shares nothing with.
  message = header_error(config, {"id", "sensor_id", "temperature", "humidity", "pressure", "battery"});
  CHECK(message.find("(required: missing ts)") != std::string::npos);
  CHECK(message.find("nearest") == std::string::npos);
}

TEST_CASE("row_validator: a column with a default may be absent from the header") {
  const sluice::Config config = humidity_config(R"(, "default": "55.5")");
  std::vector<std::string> names = {"ts", "sensor_id", "temperature"};
  std::vector<std::string_view> header = views(names);
  RowValidator validator(config, header);
  std::vector<std::string> row = {kTs, "s1", "20"};
  CsvRecord record;
  record.fields = views(row);
  CHECK(validator.validate(record) == "");
  REQUIRE_FALSE(validator.values()[3].null);
  CHECK(validator.values()[3].real == 55.5);
  // A misspelled one takes the default too (the header does not name it).
  CHECK(header_error(config, {"ts", "sensor_id", "temperature", "Humidity"}) == "");
}

TEST_CASE("row_validator: an optional_in_header column may be absent, and is NULL") {
  const sluice::Config config = humidity_config(R"(, "optional_in_header": true)");
  for (const std::vector<std::string>& names :
       {std::vector<std::string>{"ts", "sensor_id", "temperature"},
        std::vector<std::string>{"ts", "sensor_id", "temperature", "Humidity"}}) {
    std::vector<std::string> owned = names;
    std::vector<std::string_view> header = views(owned);
    RowValidator validator(config, header);
    std::vector<std::string> row = {kTs, "s1", "20", "40"};
    row.resize(names.size());
    CsvRecord record;
    record.fields = views(row);
    CHECK(validator.validate(record) == "");
    CHECK(validator.values()[3].null);
  }
  // The default format lists its optional columns as strict.
  for (const sluice::ColumnSpec& column : sluice::default_config().columns) CHECK_FALSE(column.optional_in_header);
}

TEST_CASE("row_validator: header_case_insensitive matches names ignoring ASCII case") {
  sluice::Config config = sluice::default_config();
  CHECK(header_error(config, {"TS", "sensor_id", "temperature", "humidity", "pressure", "battery"}) != "");
  config.header_case_insensitive = true;
  std::vector<std::string> names = {"TS", "Sensor_ID", "Temperature", "Humidity", "PRESSURE", "battery"};
  std::vector<std::string_view> header = views(names);
  RowValidator validator(config, header);
  std::vector<std::string> row = {kTs, "s1", "20", "40", "1000", "3.5"};
  CsvRecord record;
  record.fields = views(row);
  CHECK(validator.validate(record) == "");
  for (const auto& value : validator.values()) CHECK_FALSE(value.null);
  CHECK(validator.values()[3].real == 40.0);
  CHECK(validator.values()[4].real == 1000.0);

  // Date and time parts of an assembled timestamp too.
  const sluice::Config assembled = sluice::parse_config(R"({"header_case_insensitive": true, "sensor_column": "s",
    "columns": [{"name": "ts", "type": "timestamp", "required": true, "date_column": "Date", "time_column": "Time",
                 "format": "%d/%m/%Y %H.%M.%S"}, {"name": "s", "type": "text", "required": true}]})",
                                                        "test.json");
  std::vector<std::string> parts = {"DATE", "time", "S"};
  std::vector<std::string_view> part_views = views(parts);
  RowValidator by_parts(assembled, part_views);
  std::vector<std::string> part_row = {"10/03/2004", "18.00.00", "x"};
  record.fields = views(part_row);
  CHECK(by_parts.validate(record) == "");
  CHECK(by_parts.values()[0].integer == sluice::days_from_civil(2004, 3, 10) * 86'400 * sluice::kMicrosPerSecond +
                                            18LL * 3600 * sluice::kMicrosPerSecond);
}

TEST_CASE("row_validator: a column named twice is an error under header_case_insensitive too") {
  sluice::Config config = sluice::default_config();
  config.header_case_insensitive = true;
  CHECK(header_error(config, {"ts", "sensor_id", "temperature", "humidity", "Humidity", "pressure", "battery"}) ==
        "header names column \"Humidity\" twice");
  CHECK(header_error(config, {"ts", "TS", "sensor_id", "temperature", "humidity", "pressure", "battery"}) ==
        "header names column \"TS\" twice");
  // Case-sensitive (the default), "Humidity" is an unknown column, ignored: no duplicate.
  config.header_case_insensitive = false;
  CHECK(header_error(config, {"ts", "sensor_id", "temperature", "humidity", "Humidity", "pressure", "battery"}) == "");
  // The date or time of an assembled timestamp named twice.
  const sluice::Config assembled = sluice::parse_config(R"({"header_case_insensitive": true, "sensor_column": "s",
    "columns": [{"name": "ts", "type": "timestamp", "required": true, "date_column": "Date", "time_column": "Time",
                 "format": "%d/%m/%Y %H.%M.%S"}, {"name": "s", "type": "text", "required": true}]})",
                                                        "test.json");
  CHECK(header_error(assembled, {"Date", "date", "s"}) == "header names column \"date\" twice");
  CHECK(header_error(assembled, {"Date", "Time", "s"}) == "");
}

TEST_CASE("row_validator: an assembled timestamp missing its time names the time column") {
  const sluice::Config assembled = sluice::parse_config(R"({"sensor_column": "s",
    "columns": [{"name": "ts", "type": "timestamp", "required": true, "date_column": "Date", "time_column": "Time",
                 "format": "%d/%m/%Y %H.%M.%S"}, {"name": "s", "type": "text", "required": true}]})",
                                                        "test.json");
  const std::string message = header_error(assembled, {"Date", "time", "s"});
  CHECK(message.find("(required: missing Date+Time; nearest in the header: \"time\" for \"Time\"); got Date,time,s") !=
        std::string::npos);
}

TEST_CASE(
    "row_validator: a local time on an IANA zone: the skipped hour is a timestamp reject, the repeated "
    "hour follows the ambiguous rule") {
  auto validate_with = [](std::string_view ts_keys, std::vector<std::string> rows) {
    const sluice::Config config =
        sluice::parse_config(R"({"sensor_column": "s", "columns": [
      {"name": "ts", "type": "timestamp", "required": true, )" +
                                 std::string(ts_keys) + R"(}, {"name": "s", "type": "text", "required": true}]})",
                             "test.json");
    std::vector<std::string> names = {"ts", "s"};
    std::vector<std::string_view> name_views = views(names);
    RowValidator validator(config, name_views);
    std::vector<std::string> out;
    for (std::string& text : rows) {
      std::vector<std::string> row = {text, "x"};
      CsvRecord record;
      record.fields = views(row);
      const std::string reason(validator.validate(record));
      out.push_back(reason.empty() ? std::to_string(validator.values()[0].integer / sluice::kMicrosPerSecond) : reason);
    }
    return out;
  };
  auto unix_text = [](int year, unsigned month, unsigned day, int hour, int minute) {
    return std::to_string(sluice::days_from_civil(year, month, day) * 86'400 + hour * 3'600 + minute * 60);
  };
  const std::vector<std::string> rows = {"2026-03-29 01:30:00", "2026-03-29 02:30:00",       "2026-03-29 03:30:00",
                                         "2026-10-25 02:30:00", "2026-10-25 02:30:00+01:00", "2026-10-25 03:30:00"};
  const std::vector<std::string> common = {unix_text(2026, 3, 29, 0, 30), "timestamp", unix_text(2026, 3, 29, 1, 30)};
  auto expect = [&](std::string repeated) {
    std::vector<std::string> out = common;
    out.insert(out.end(), {std::move(repeated), unix_text(2026, 10, 25, 1, 30), unix_text(2026, 10, 25, 2, 30)});
    return out;
  };
  CHECK(validate_with(R"("zone": "Europe/Berlin")", rows) == expect(unix_text(2026, 10, 25, 0, 30)));
  CHECK(validate_with(R"("zone": "Europe/Berlin", "ambiguous": "latest")", rows) ==
        expect(unix_text(2026, 10, 25, 1, 30)));
  CHECK(validate_with(R"("zone": "Europe/Berlin", "ambiguous": "reject")", rows) == expect("timestamp"));
  // The same through a pattern.
  CHECK(validate_with(R"("zone": "Europe/Berlin", "format": "%Y-%m-%d %H:%M:%S")", {"2026-03-29 02:30:00"}) ==
        std::vector<std::string>{"timestamp"});
}
