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

TEST_CASE("row_validator: optional columns may be absent from the header") {
  Harness h({"ts", "sensor_id", "temperature"});
  CHECK(h.check({kTs, "s1", "20"}) == "");
  CHECK(h.validator.values()[3].null);
  CHECK(h.validator.values()[4].null);
  CHECK(h.validator.values()[5].null);
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
