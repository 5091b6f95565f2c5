// CsvCursor (lib/parse/csv_cursor.hpp): record splitting, quoting, line ends, line numbers, and a
// differential check against fast-cpp-csv-parser's CSVReader on input both accept.
#define CSV_IO_NO_THREAD
// csv.h's own code trips GCC 12's -Wstringop-truncation at -O3; it is the reference here, not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>
#pragma GCC diagnostic pop

#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "parse/csv_cursor.hpp"

namespace {

using sluice::CsvCursor;
using sluice::CsvRecord;
using sluice::Dialect;

struct OwnedRecord {
  std::vector<std::string> fields;
  std::string raw;
  std::int64_t line = 0;
  bool unclosed_quote = false;
};

// Every record of `data`, copied out (the cursor's views die at the next call).
std::vector<OwnedRecord> read_all(std::string_view data, Dialect dialect = Dialect{}) {
  CsvCursor cursor(data, dialect);
  CsvRecord record;
  std::vector<OwnedRecord> out;
  while (cursor.next(record)) {
    OwnedRecord owned;
    for (std::string_view field : record.fields) owned.fields.emplace_back(field);
    owned.raw = std::string(record.raw);
    owned.line = record.line;
    owned.unclosed_quote = record.unclosed_quote;
    out.push_back(std::move(owned));
  }
  return out;
}

using Fields = std::vector<std::string>;

}  // namespace

TEST_CASE("csv_cursor: plain split with LF line ends") {
  const auto records = read_all("a,b,c\n1,2,3\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"a", "b", "c"});
  CHECK(records[0].line == 1);
  CHECK(records[0].raw == "a,b,c");
  CHECK(records[1].fields == Fields{"1", "2", "3"});
  CHECK(records[1].line == 2);
  CHECK(records[1].raw == "1,2,3");
  CHECK_FALSE(records[1].unclosed_quote);
}

TEST_CASE("csv_cursor: CRLF line ends are not part of the last field or the raw text") {
  const auto records = read_all("a,b\r\n1,2\r\n3,4\r\n");
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == Fields{"a", "b"});
  CHECK(records[1].fields == Fields{"1", "2"});
  CHECK(records[1].raw == "1,2");
  CHECK(records[2].fields == Fields{"3", "4"});
  CHECK(records[2].line == 3);
}

TEST_CASE("csv_cursor: CR-only line ends (old Mac files)") {
  const auto records = read_all("a,b\r1,2\r\r3,4\r");
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == Fields{"a", "b"});
  CHECK(records[1].fields == Fields{"1", "2"});
  CHECK(records[1].line == 2);
  CHECK(records[2].fields == Fields{"3", "4"});
  CHECK(records[2].line == 4);  // line 3 is blank
}

TEST_CASE("csv_cursor: CR-only file with a CR inside quotes counts that line") {
  const auto records = read_all("h,i\r\"x\ry\",z\rc,d");
  REQUIRE(records.size() == 3);
  CHECK(records[1].fields == Fields{"x\ry", "z"});
  CHECK(records[1].line == 2);
  CHECK(records[2].fields == Fields{"c", "d"});
  CHECK(records[2].line == 4);
}

TEST_CASE("csv_cursor: a lone CR inside a field of an LF file is data") {
  const auto records = read_all("a,b\r c\nd,e\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"a", "b\r c"});
  CHECK(records[1].line == 2);
}

TEST_CASE("csv_cursor: quoted fields with delimiters and doubled quotes") {
  const auto records = read_all("\"a,b\",\"say \"\"hi\"\"\",plain,\"\"\n");
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"a,b", "say \"hi\"", "plain", ""});
  CHECK(records[0].raw == "\"a,b\",\"say \"\"hi\"\"\",plain,\"\"");
  CHECK(records[0].line == 1);
  CHECK_FALSE(records[0].unclosed_quote);
}

TEST_CASE("csv_cursor: a field of only a doubled quote") {
  const auto records = read_all("\"\"\"\",x\n");
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"\"", "x"});
}

TEST_CASE("csv_cursor: a quote inside an unquoted field is data") {
  const auto records = read_all("ab\"c,d\n");
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"ab\"c", "d"});
}

TEST_CASE("csv_cursor: text after a closing quote is kept (lenient)") {
  const auto records = read_all("\"ab\"cd,e\n");
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"abcd", "e"});
}

TEST_CASE("csv_cursor: embedded LF inside quotes; following line numbers account for it") {
  const auto records = read_all("h1,h2\n\"x\ny\",z\nc,d\n\"p\n\nq\",r\ne,f\n");
  REQUIRE(records.size() == 5);
  CHECK(records[1].fields == Fields{"x\ny", "z"});
  CHECK(records[1].line == 2);
  CHECK(records[1].raw == "\"x\ny\",z");
  CHECK(records[2].fields == Fields{"c", "d"});
  CHECK(records[2].line == 4);
  CHECK(records[3].fields == Fields{"p\n\nq", "r"});
  CHECK(records[3].line == 5);
  CHECK(records[4].fields == Fields{"e", "f"});
  CHECK(records[4].line == 8);
}

TEST_CASE("csv_cursor: embedded CRLF inside quotes in a CRLF file") {
  const auto records = read_all("h1,h2\r\n\"x\r\ny\",z\r\nc,d\r\n");
  REQUIRE(records.size() == 3);
  CHECK(records[1].fields == Fields{"x\r\ny", "z"});
  CHECK(records[1].line == 2);
  CHECK(records[1].raw == "\"x\r\ny\",z");
  CHECK(records[2].fields == Fields{"c", "d"});
  CHECK(records[2].line == 4);
  CHECK(records[2].raw == "c,d");
}

TEST_CASE("csv_cursor: quoted last field followed by CRLF, and by a lone CR at the end") {
  auto records = read_all("a,b\n1,\"2\"\r\n3,\"4\"\r");
  REQUIRE(records.size() == 3);
  CHECK(records[1].fields == Fields{"1", "2"});
  CHECK(records[1].raw == "1,\"2\"");
  CHECK(records[2].fields == Fields{"3", "4"});
  CHECK(records[2].line == 3);
  CHECK(records[2].raw == "3,\"4\"");
}

TEST_CASE("csv_cursor: a UTF-8 BOM is skipped") {
  const auto records = read_all("\xEF\xBB\xBFts,sensor_id\n1,2\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"ts", "sensor_id"});
  CHECK(records[0].raw == "ts,sensor_id");
  CHECK(records[0].line == 1);
  CHECK(records[1].line == 2);
}

TEST_CASE("csv_cursor: a BOM before a quoted header field") {
  const auto records = read_all("\xEF\xBB\xBF\"ts\",x\r\n1,2\r\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"ts", "x"});
}

TEST_CASE("csv_cursor: blank lines (LF and CRLF) are skipped and still counted") {
  const auto records = read_all("\na,b\n\n\r\n1,2\r\n\r\n\n3,4\n\n");
  REQUIRE(records.size() == 3);
  CHECK(records[0].fields == Fields{"a", "b"});
  CHECK(records[0].line == 2);
  CHECK(records[1].fields == Fields{"1", "2"});
  CHECK(records[1].line == 5);
  CHECK(records[2].fields == Fields{"3", "4"});
  CHECK(records[2].line == 8);
}

TEST_CASE("csv_cursor: blank lines after a multi-line quoted record") {
  const auto records = read_all("\"a\nb\"\n\n\nc\n");
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"a\nb"});
  CHECK(records[1].fields == Fields{"c"});
  CHECK(records[1].line == 5);
}

TEST_CASE("csv_cursor: empty input and blank-only input have no records") {
  CHECK(read_all("").empty());
  CHECK(read_all("\n\n\r\n").empty());
  CHECK(read_all("\xEF\xBB\xBF").empty());
  CHECK(read_all("\r\r").empty());
}

TEST_CASE("csv_cursor: no trailing newline") {
  auto records = read_all("a,b\nc,d");
  REQUIRE(records.size() == 2);
  CHECK(records[1].fields == Fields{"c", "d"});
  CHECK(records[1].raw == "c,d");
  CHECK(records[1].line == 2);

  records = read_all("a,b\n\"c\",\"d\"");
  REQUIRE(records.size() == 2);
  CHECK(records[1].fields == Fields{"c", "d"});
  CHECK(records[1].raw == "\"c\",\"d\"");
  CHECK_FALSE(records[1].unclosed_quote);
}

TEST_CASE("csv_cursor: empty fields") {
  auto records = read_all(",,\na,b,\n,x\n\"\",,\"\"\n");
  REQUIRE(records.size() == 4);
  CHECK(records[0].fields == Fields{"", "", ""});
  CHECK(records[1].fields == Fields{"a", "b", ""});
  CHECK(records[2].fields == Fields{"", "x"});
  CHECK(records[3].fields == Fields{"", "", ""});
}

TEST_CASE("csv_cursor: a trailing delimiter on a quoted record gives an empty last field") {
  const auto records = read_all("\"a\",b,\r\n");
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"a", "b", ""});
}

TEST_CASE("csv_cursor: an unclosed quote runs to the end of the data") {
  const auto records = read_all("h1,h2\na,\"bc\nd,e\n");
  REQUIRE(records.size() == 2);
  CHECK_FALSE(records[0].unclosed_quote);
  CHECK(records[1].unclosed_quote);
  CHECK(records[1].line == 2);
  CHECK(records[1].fields == Fields{"a", "bc\nd,e\n"});
  CHECK(records[1].raw == "a,\"bc\nd,e\n");
}

TEST_CASE("csv_cursor: unclosed_quote is reset for the next record") {
  // The unclosed record ends the data, so use two cursors' worth of checks on one record object.
  CsvRecord record;
  CsvCursor bad("\"abc", Dialect{});
  REQUIRE(bad.next(record));
  CHECK(record.unclosed_quote);
  CHECK(record.fields.size() == 1);
  CHECK(record.fields[0] == "abc");
  CHECK_FALSE(bad.next(record));
  CsvCursor good("x,y\n", Dialect{});
  REQUIRE(good.next(record));
  CHECK_FALSE(record.unclosed_quote);
  CHECK(record.fields.size() == 2);
}

TEST_CASE("csv_cursor: a 10 MB single field, plain and quoted") {
  const std::string big(10u << 20, 'x');
  {
    const std::string data = "h\n" + big + "\nnext\n";
    const auto records = read_all(data);
    REQUIRE(records.size() == 3);
    CHECK(records[1].fields.size() == 1);
    CHECK(records[1].fields[0].size() == big.size());
    CHECK(records[1].fields[0] == big);
    CHECK(records[2].fields == Fields{"next"});
    CHECK(records[2].line == 3);
  }
  {
    std::string quoted_big = big;
    quoted_big[5] = ',';
    quoted_big[big.size() - 7] = '\n';
    std::string data = "h\n\"" + quoted_big + "\",tail\nnext\n";
    const auto records = read_all(data);
    REQUIRE(records.size() == 3);
    REQUIRE(records[1].fields.size() == 2);
    CHECK(records[1].fields[0] == quoted_big);
    CHECK(records[1].fields[1] == "tail");
    CHECK(records[2].line == 4);  // one LF inside the big field
  }
}

TEST_CASE("csv_cursor: semicolon and tab delimiters via Dialect") {
  auto records = read_all("a;\"b;c\";d,e\n1;2;3\n", Dialect{';', '"'});
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"a", "b;c", "d,e"});
  CHECK(records[1].fields == Fields{"1", "2", "3"});

  records = read_all("a\tb\t\"c\td\"\n1\t\t3\n", Dialect{'\t', '"'});
  REQUIRE(records.size() == 2);
  CHECK(records[0].fields == Fields{"a", "b", "c\td"});
  CHECK(records[1].fields == Fields{"1", "", "3"});
}

TEST_CASE("csv_cursor: a custom quote character") {
  const auto records = read_all("'a,b','it''s',\"c\"\n", Dialect{',', '\''});
  REQUIRE(records.size() == 1);
  CHECK(records[0].fields == Fields{"a,b", "it's", "\"c\""});
}

namespace {

// A field without leading/trailing spaces (CSVReader trims them), sometimes needing quotes.
std::string random_field(std::mt19937& rng, std::string& escaped) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-._:";
  const int kind = static_cast<int>(rng() % 6);
  std::string value;
  const std::size_t length = 1 + rng() % 12;
  for (std::size_t i = 0; i < length; ++i) value += kAlphabet[rng() % kAlphabet.size()];
  switch (kind) {
    case 0: value.clear(); break;  // empty
    case 1: value.insert(value.size() / 2, ","); break;
    case 2: value.insert(value.size() / 2, "\""); break;
    case 3: value.insert(value.size() / 2, "a, \"b\" c"); break;
    default: break;
  }
  const bool needs_quotes = value.find_first_of(",\"") != std::string::npos;
  if (needs_quotes || rng() % 5 == 0) {
    escaped = "\"";
    for (char c : value) escaped += c == '"' ? std::string("\"\"") : std::string(1, c);
    escaped += "\"";
  } else {
    escaped = value;
  }
  return value;
}

}  // namespace

TEST_CASE("csv_cursor: same values as fast-cpp-csv-parser's CSVReader on generated input") {
  std::mt19937 rng(20260101);
  std::string data = "\xEF\xBB\xBFts,sensor_id,\"temperature\",humidity,pressure,battery\r\n";
  std::vector<std::vector<std::string>> expected_rows;
  for (int row = 0; row < 400; ++row) {
    std::vector<std::string> values;
    for (int column = 0; column < 6; ++column) {
      std::string escaped;
      values.push_back(random_field(rng, escaped));
      if (column > 0) data += ',';
      data += escaped;
    }
    data += (rng() % 2 == 0) ? "\r\n" : "\n";
    expected_rows.push_back(std::move(values));
  }

  io::CSVReader<6, io::trim_chars<' ', '\t'>, io::double_quote_escape<',', '"'>> reader("generated.csv", data.data(),
                                                                                        data.data() + data.size());
  reader.read_header(io::ignore_no_column, "ts", "sensor_id", "temperature", "humidity", "pressure", "battery");
  CsvCursor cursor(data, Dialect{});
  CsvRecord record;
  REQUIRE(cursor.next(record));
  CHECK(record.fields.size() == 6);
  CHECK(record.fields[0] == "ts");
  CHECK(record.fields[2] == "temperature");

  char *ts = nullptr, *sensor = nullptr, *temperature = nullptr, *humidity = nullptr, *pressure = nullptr,
       *battery = nullptr;
  std::size_t rows = 0;
  while (reader.read_row(ts, sensor, temperature, humidity, pressure, battery)) {
    REQUIRE(cursor.next(record));
    REQUIRE(record.fields.size() == 6);
    const char* theirs[] = {ts, sensor, temperature, humidity, pressure, battery};
    for (std::size_t column = 0; column < 6; ++column) {
      INFO("row " << rows << " column " << column);
      CHECK(record.fields[column] == std::string_view(theirs[column]));
      CHECK(record.fields[column] == expected_rows[rows][column]);
    }
    CHECK(record.line == static_cast<std::int64_t>(rows) + 2);
    ++rows;
  }
  CHECK(rows == expected_rows.size());
  CHECK_FALSE(cursor.next(record));
}

namespace {

// The plain (quote-free) splitting rule, spelled naively: lines end at LF (a CR before it, or a CR that
// ends the data, is not content), blank lines are skipped, fields split at every delimiter.
std::vector<OwnedRecord> naive_plain(std::string_view data, char delimiter) {
  std::vector<OwnedRecord> out;
  std::int64_t line = 1;
  std::size_t start = 0;
  while (start < data.size()) {
    std::size_t stop = data.find('\n', start);
    const bool last = stop == std::string_view::npos;
    if (last) stop = data.size();
    std::string_view text = data.substr(start, stop - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (!text.empty()) {
      OwnedRecord record;
      record.raw = std::string(text);
      record.line = line;
      std::size_t field = 0;
      for (std::size_t at; (at = text.find(delimiter, field)) != std::string_view::npos; field = at + 1)
        record.fields.emplace_back(text.substr(field, at - field));
      record.fields.emplace_back(text.substr(field));
      out.push_back(std::move(record));
    }
    ++line;
    start = stop + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("csv_cursor: the 64-byte scan splits like the naive rule at every block boundary") {
  std::mt19937 rng(20261202);
  // Few distinct characters, so delimiters, CRs and line ends land on every offset of a 64-byte block,
  // including its first and last byte, lines far longer than a block and data ending mid-block.
  const std::string alphabet = "abc;;,,\r\n\n";
  for (int round = 0; round < 2000; ++round) {
    std::string data(rng() % 300, ' ');
    for (char& c : data) c = alphabet[rng() % alphabet.size()];
    if (round % 7 == 0) data += std::string(rng() % 200, 'x') + "\r";
    for (const char delimiter : {',', ';'}) {
      INFO("round " << round << " delimiter " << delimiter);
      // Data without any LF is a CR-only file, with its own line end: covered by the cases above.
      if (data.find('\n') == std::string::npos) continue;
      const auto expected = naive_plain(data, delimiter);
      const auto records = read_all(data, Dialect(delimiter, '"'));
      REQUIRE(records.size() == expected.size());
      for (std::size_t i = 0; i < records.size(); ++i) {
        CHECK(records[i].fields == expected[i].fields);
        CHECK(records[i].raw == expected[i].raw);
        CHECK(records[i].line == expected[i].line);
      }
    }
  }
}

TEST_CASE("csv_cursor: a quoted record after plain ones, across a block boundary, then plain again") {
  std::string data;
  for (int i = 0; i < 5; ++i) data += "aaaaaaaaaa,bbbbbbbbbb\n";  // 110 bytes: the quote lands in the 2nd block
  data += "x,\"multi\nline, \"\"quoted\"\"\",y\n";
  for (int i = 0; i < 3; ++i) data += "cccccccccccccccccccccccccccccc,d\r\n";
  const auto records = read_all(data);
  REQUIRE(records.size() == 9);
  CHECK(records[5].fields == Fields{"x", "multi\nline, \"quoted\"", "y"});
  CHECK(records[5].line == 6);
  CHECK(records[6].fields == Fields{"cccccccccccccccccccccccccccccc", "d"});
  CHECK(records[6].line == 8);
  CHECK(records[8].line == 10);
}
