// BlockBuilder and decimal_scale (lib/parse/block_builder.hpp, lib/parse/decimal_scale.hpp): which values scale to int4
// exactly, how sensor-hours become blocks or loose rows, and parse_file in the blocks layout. The values' round trip
// through PostgreSQL is tests/integration/pg_blocks_test.sh.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "encode/copy_buffer.hpp"
#include "parse/block_builder.hpp"
#include "parse/file_parser.hpp"
#include "parse/parsed_file.hpp"
#include "value/timestamp.hpp"

namespace {

using sluice::BlockBuilder;
using sluice::CopyBuffer;
using sluice::decimal_scale;
using sluice::FieldValue;

// The sensor as a view: the values keep it (a literal stays valid, a temporary std::string would not).
std::vector<FieldValue> reading(std::string_view sensor, std::int64_t ts, double temperature) {
  std::vector<FieldValue> values(6);
  values[0] = {false, ts, 0, {}};
  values[1] = {false, 0, 0, sensor};
  values[2] = {false, 0, temperature, {}};
  return values;  // humidity, pressure, battery NULL
}

std::int32_t big_endian32(const char* at) {
  std::uint32_t raw = 0;
  std::memcpy(&raw, at, 4);
  return static_cast<std::int32_t>(__builtin_bswap32(raw));
}

// The fields of a COPY buffer's first row, each its bytes or nullopt for a NULL.
std::vector<std::optional<std::string>> first_row(const CopyBuffer& buffer) {
  const std::string_view bytes = buffer.bytes();
  const int fields = (static_cast<unsigned char>(bytes[0]) << 8) | static_cast<unsigned char>(bytes[1]);
  std::vector<std::optional<std::string>> out;
  std::size_t at = 2;
  for (int i = 0; i < fields; ++i) {
    const std::int32_t length = big_endian32(bytes.data() + at);
    at += 4;
    if (length < 0) {
      out.emplace_back();
      continue;
    }
    out.emplace_back(std::string(bytes.substr(at, static_cast<std::size_t>(length))));
    at += static_cast<std::size_t>(length);
  }
  return out;
}

// The fields of a COPY buffer's row `index`.
std::vector<std::optional<std::string>> row_at(const CopyBuffer& buffer, std::size_t index) {
  CopyBuffer rest;
  std::string_view bytes = buffer.bytes();
  for (std::size_t skip = 0; skip < index; ++skip) {
    const int fields = (static_cast<unsigned char>(bytes[0]) << 8) | static_cast<unsigned char>(bytes[1]);
    std::size_t at = 2;
    for (int i = 0; i < fields; ++i) {
      const std::int32_t length = big_endian32(bytes.data() + at);
      at += 4 + static_cast<std::size_t>(std::max(length, 0));
    }
    bytes.remove_prefix(at);
  }
  rest.put_bytes(bytes);
  return first_row(rest);
}

// The rows of the aggregate a block carries (row `index` of `blocks`), as carried_hourly reads them: "agg:rows", or
// the block's n when that is NULL; -1 when the block carries none ("agg:hour" NULL).
std::int64_t carried_rows(const sluice::Config& config, const CopyBuffer& blocks, std::size_t index) {
  const std::vector<sluice::BlockColumn> columns = sluice::copied_block_columns(config);
  auto at = [&](sluice::BlockColumnKind kind) {
    return static_cast<std::size_t>(
        std::find_if(columns.begin(), columns.end(), [&](const sluice::BlockColumn& c) { return c.kind == kind; }) -
        columns.begin());
  };
  const std::vector<std::optional<std::string>> row = row_at(blocks, index);
  if (!row.at(at(sluice::BlockColumnKind::agg_hour))) return -1;
  const std::optional<std::string>& rows = row.at(at(sluice::BlockColumnKind::agg_rows));
  if (!rows) return big_endian32(row.at(at(sluice::BlockColumnKind::count))->data());
  return (static_cast<std::int64_t>(big_endian32(rows->data())) << 32) |
         static_cast<std::uint32_t>(big_endian32(rows->data() + 4));
}

// The element type of an array field (after its dimension count and has-nulls flag).
std::int32_t element_oid(const std::optional<std::string>& field) { return big_endian32(field->data() + 8); }

// The start of a UTC hour in 2026.
constexpr std::int64_t kHour = 1'780'000'000LL * 1'000'000 / sluice::kMicrosPerHour * sluice::kMicrosPerHour;

}  // namespace

TEST_CASE("decimal_scale: the smallest scale whose int4 gives the double back bit for bit") {
  CHECK(decimal_scale(23.0, 0) == 0);
  CHECK(decimal_scale(23.5, 0) == 1);
  CHECK(decimal_scale(23.456, 0) == 3);
  CHECK(decimal_scale(-49.99, 0) == 2);
  CHECK(decimal_scale(23.5, 3) == 3);        // not below the block's scale so far
  CHECK(decimal_scale(0.1 + 0.2, 0) == -1);  // 0.30000000000000004: 17 digits
  CHECK(decimal_scale(-0.0, 0) == -1);       // an int has no sign for zero
  CHECK(decimal_scale(1e-300, 0) == -1);
  CHECK(decimal_scale(3e9, 0) == -1);  // beyond int32
  CHECK(decimal_scale(1.23456789, 0) == 8);
  CHECK(decimal_scale(std::nextafter(1.5, 2.0), 0) == -1);
}

TEST_CASE("BlockBuilder: one block per sensor-hour, loose rows under four readings, busy hours cut") {
  const sluice::Config config = sluice::default_config();
  BlockBuilder builder(config);
  const std::int64_t hour = kHour;
  for (int i = 0; i < 10; ++i) builder.add(reading("a", hour + i * 60'000'000LL, 20.5));
  for (int i = 0; i < 3; ++i) builder.add(reading("b", hour + i * 1'000'000LL, 21));
  for (int i = 0; i < 3600; ++i) builder.add(reading("busy", hour + i * 1'000'000LL, 19.25));
  builder.add(reading("a", hour + sluice::kMicrosPerHour, 20));  // the next hour: a sensor-hour of its own
  CopyBuffer blocks, loose;
  CHECK(builder.finish(7, blocks, loose) == 10 + 3600);
  CHECK(loose.rows() == 3 + 1);
  // 3,600 readings of ~4 bytes (offsets in seconds and temperatures as int2; the other measures NULL): blocks
  // of ~2,000 bytes, cut evenly.
  CHECK(blocks.rows() >= 1 + 3600 * 4 / 2000);
  CHECK(blocks.rows() <= 1 + 3600 * 4 / 1000);
}

TEST_CASE("BlockBuilder::flush: what was gathered goes out, and a sensor-hour going on gets blocks of its own") {
  const sluice::Config config = sluice::default_config();
  BlockBuilder builder(config);
  auto add_minutes = [&](const std::string& sensor, int from, int to) {
    for (int i = from; i < to; ++i) builder.add(reading(sensor, kHour + i * 60'000'000LL, 20.5));
  };
  add_minutes("a", 0, 10);
  add_minutes("b", 0, 2);
  const std::size_t gathered = builder.pending_bytes();
  CHECK(gathered >= 12 * (8 + 4 + 4 * 9));  // ts, group index, and each measure's value and null flag
  CopyBuffer blocks, loose;
  CHECK(builder.flush(7, blocks, loose) == 10);
  CHECK(blocks.rows() == 1);
  CHECK(loose.rows() == 2);
  CHECK(builder.pending_bytes() == 0);
  // The same sensor-hours go on: a's next 5 readings are a block of their own, b's 1 more a loose reading; nothing
  // written before comes again.
  add_minutes("a", 10, 15);
  add_minutes("b", 2, 3);
  CopyBuffer more_blocks, more_loose;
  CHECK(builder.finish(7, more_blocks, more_loose) == 5);
  CHECK(more_blocks.rows() == 1);
  CHECK(more_loose.rows() == 1);
}

TEST_CASE("parse_file in the blocks layout: readings in blocks count as loaded rows") {
  sluice::Config config = sluice::default_config();
  config.layout = sluice::StorageLayout::blocks;
  std::string file = "ts,sensor_id,temperature,humidity,pressure,battery\n";
  for (int i = 0; i < 30; ++i) file += "2026-01-01T00:" + std::to_string(10 + i) + ":00Z,s1,20.5,50,1000,3.5\n";
  file += "2026-01-01T05:00:00Z,s2,20,,,\n";
  file += "2026-01-01T05:00:00Z,s2,999,,,\n";  // range:temperature
  sluice::ParsedFile parsed;
  parsed.file_id = 3;
  sluice::parse_file(file, config, {}, parsed);
  CHECK(parsed.rows_loaded() == 31);
  CHECK(parsed.readings_in_blocks == 30);
  CHECK(parsed.blocks.rows() == 1);
  CHECK(parsed.rows.rows() == 1);
  CHECK(parsed.rows_rejected() == 1);
}

TEST_CASE("parse_file with a builder an earlier file used: the same blocks and loose rows as a fresh builder") {
  sluice::Config config = sluice::default_config();
  config.layout = sluice::StorageLayout::blocks;
  const std::string header = "ts,sensor_id,temperature,humidity,pressure,battery\n";
  // The first file has more sensors, more sensor-hours and wider values than the second, so that anything it
  // left behind (a sensor named for an index, a reading, a column's scale) would show in the second's output.
  std::string first = header;
  for (int i = 0; i < 40; ++i)
    first += fmt::format("2026-01-01T0{}:{:02}:00Z,s{},{}.125,50,1000,3.5\n", i % 2, i, i % 4, 100 + i);
  std::string second = header;
  for (int i = 0; i < 9; ++i) second += fmt::format("2026-02-01T00:{:02}:00Z,t1,2{},,1000.5,\n", i, i);
  second += "2026-02-01T03:00:00Z,t2,1,,,\n";  // a loose reading

  std::unique_ptr<BlockBuilder> builder;
  sluice::ParsedFile parsed_first;
  parsed_first.file_id = 1;
  sluice::parse_file(first, config, {}, parsed_first, &builder);
  REQUIRE(builder != nullptr);  // handed back for the next file
  CHECK(parsed_first.readings_in_blocks == 40);
  sluice::ParsedFile reused;
  reused.file_id = 2;
  sluice::parse_file(second, config, {}, reused, &builder);
  REQUIRE(builder != nullptr);

  sluice::ParsedFile fresh;
  fresh.file_id = 2;
  sluice::parse_file(second, config, {}, fresh);
  CHECK(reused.readings_in_blocks == 9);
  CHECK(reused.readings_in_blocks == fresh.readings_in_blocks);
  CHECK(reused.blocks.bytes() == fresh.blocks.bytes());
  CHECK(reused.rows.bytes() == fresh.rows.bytes());
  CHECK(reused.deltas.size() == fresh.deltas.size());
}

TEST_CASE("BlockBuilder: offsets in seconds as 16-bit codes, ms or us; scaled values as codes while they fit, "
          "then int4, then float8") {
  const sluice::Config config = sluice::default_config();
  // Copied columns: file_id, sensor, first_ts, last_ts, n, ts:s16, ts:ms, ts:us, then temperature's i16, int, div,
  // f8, then humidity's four (schema version 5's ts:s and <c>:i2 are not in the COPY).
  constexpr std::size_t kSeconds16 = 5, kMillis = 6, kMicros = 7, kCodes = 8, kInt4 = 9, kDivisor = 10, kFloat8 = 11,
                        kHumidityCodes = 12, kHumidityFloat8 = 15;
  constexpr std::int32_t kInt4Oid = 23, kInt8Oid = 20, kFloat8Oid = 701;
  auto block = [&](std::int64_t step_micros, double odd_value, bool odd_null = false) {
    BlockBuilder builder(config);
    for (int i = 0; i < 4; ++i) {
      auto values = reading("s", kHour + i * step_micros, i == 2 ? odd_value : 1.5);
      if (i == 2 && odd_null) values[2].null = true;
      builder.add(values);
    }
    CopyBuffer blocks, loose;
    builder.finish(7, blocks, loose);
    REQUIRE(blocks.rows() == 1);
    return first_row(blocks);
  };
  auto held_in = [](const std::vector<std::optional<std::string>>& row, std::size_t first, std::size_t last) {
    std::vector<std::size_t> set;
    for (std::size_t i = first; i <= last; ++i)
      if (row[i]) set.push_back(i);
    return set;
  };
  // A field of 16-bit codes as the codes (a float column's scale byte after them left out).
  auto codes = [](const std::optional<std::string>& field) {
    std::vector<unsigned> out;
    for (std::size_t i = 0; i + 1 < field->size(); i += 2)
      out.push_back(static_cast<unsigned>(static_cast<unsigned char>((*field)[i]) << 8 |
                                          static_cast<unsigned char>((*field)[i + 1])));
    return out;
  };

  auto row = block(10'000'000, -32.767);  // whole seconds; -32767 at scale 3: the smallest value with a code
  CHECK(held_in(row, kSeconds16, kMicros) == std::vector<std::size_t>{kSeconds16});
  CHECK(codes(row[kSeconds16]) == std::vector<unsigned>{32768, 32778, 32788, 32798});  // offset + 32768
  CHECK(held_in(row, kCodes, kFloat8) == std::vector<std::size_t>{kCodes});  // no divisor: the scale follows
  CHECK(codes(row[kCodes]) == std::vector<unsigned>{32768 + 1500, 32768 + 1500, 1, 32768 + 1500});
  REQUIRE(row[kCodes]->size() == 4 * 2 + 1);
  CHECK(row[kCodes]->back() == 3);
  // humidity is NULL in every reading: NULL in all five forms.
  CHECK(held_in(row, kHumidityCodes, kHumidityFloat8).empty());

  row = block(10'000'000, 0, true);  // a NULL among values: code 0
  CHECK(codes(row[kCodes]) == std::vector<unsigned>{32768 + 15, 32768 + 15, 0, 32768 + 15});
  CHECK(row[kCodes]->back() == 1);

  row = block(1'500'000, 32.767);  // whole milliseconds; 32767: the largest code
  CHECK(held_in(row, kSeconds16, kMicros) == std::vector<std::size_t>{kMillis});
  CHECK(element_oid(row[kMillis]) == kInt4Oid);
  CHECK(held_in(row, kCodes, kFloat8) == std::vector<std::size_t>{kCodes});
  CHECK(codes(row[kCodes]).back() == 32768 + 1500);

  row = block(1'500'001, -32.768);  // microseconds; -32768 would be NULL's code: int4
  CHECK(held_in(row, kSeconds16, kMicros) == std::vector<std::size_t>{kMicros});
  CHECK(element_oid(row[kMicros]) == kInt8Oid);
  CHECK(held_in(row, kCodes, kFloat8) == std::vector<std::size_t>{kInt4, kDivisor});
  CHECK(element_oid(row[kInt4]) == kInt4Oid);

  row = block(1'500'001, 32.768);  // 32768 needs an int4 too
  CHECK(held_in(row, kCodes, kFloat8) == std::vector<std::size_t>{kInt4, kDivisor});

  row = block(10'000'000, 0.1 + 0.2);  // no exact scale: the doubles themselves
  CHECK(held_in(row, kCodes, kFloat8) == std::vector<std::size_t>{kFloat8});
  CHECK(element_oid(row[kFloat8]) == kFloat8Oid);
  // Schema version 5's forms are not in the COPY at all: a row holds exactly the copied columns.
  CHECK(row.size() == sluice::copied_block_columns(config).size());
  const std::vector<sluice::BlockColumn> all = sluice::block_columns(config);
  const auto old_forms = std::count_if(all.begin(), all.end(), [](const sluice::BlockColumn& c) {
    return c.kind == sluice::BlockColumnKind::ts_seconds || c.kind == sluice::BlockColumnKind::scaled_int2;
  });
  CHECK(old_forms == 5);  // ts:s and each of four float columns' i2
  CHECK(row.size() + 5 == all.size());
}

TEST_CASE("FileParser::flush_aggregates in the blocks layout: the aggregates so far go out, and the blocks after "
          "it name the sensors of their own readings") {
  sluice::Config config = sluice::default_config();
  config.layout = sluice::StorageLayout::blocks;
  auto lines = [](const std::string& sensor, int from, int to) {
    std::string out;
    for (int i = from; i < to; ++i)
      out += "2026-01-01T00:" + std::to_string(10 + i) + ":00Z," + sensor + ",20.5,50,1000,3.5\n";
    return out;
  };
  sluice::ParsedFile parsed;
  parsed.file_id = 3;
  sluice::FileParser parser(config, {}, parsed);
  const std::string first = "ts,sensor_id,temperature,humidity,pressure,battery\n" + lines("s1", 0, 5);
  CHECK(parser.feed(first, false) == first.size());
  CHECK(parser.pending_aggregate_bytes() > 0);
  parser.flush_aggregates();
  CHECK(parser.pending_aggregate_bytes() == 0);
  // s1's block carries its aggregate: nothing is left for file_hourly.
  CHECK(parsed.deltas.size() == 0);
  REQUIRE(parsed.blocks.rows() == 1);
  CHECK(first_row(parsed.blocks)[1] == "s1");
  CHECK(carried_rows(config, parsed.blocks, 0) == 5);
  const std::int64_t hour = 1'767'225'600LL * 1'000'000;  // 2026-01-01T00:00Z
  CHECK(parsed.hour_spans == std::vector<sluice::TimeSpan>{{hour, hour + sluice::kMicrosPerHour}});
  parsed.blocks.clear();
  // The aggregate numbers sensor-hours from 0 again: s2's readings take the number s1's had. s1's three more
  // readings are too few for a block: loose readings, their aggregate a second contribution in file_hourly.
  const std::string second = lines("s2", 0, 5) + lines("s1", 5, 8);
  CHECK(parser.feed(second, true) == second.size());
  parser.finish();
  REQUIRE(parsed.blocks.rows() == 1);
  CHECK(first_row(parsed.blocks)[1] == "s2");
  CHECK(carried_rows(config, parsed.blocks, 0) == 5);
  CHECK(parsed.rows.rows() == 3);
  REQUIRE(parsed.deltas.size() == 1);
  CHECK(parsed.deltas.entries().at({"s1", hour}).rows == 3);
  CHECK(parsed.hour_spans == std::vector<sluice::TimeSpan>{{hour, hour + sluice::kMicrosPerHour}});
}

TEST_CASE("FileParser in the blocks layout: a sensor-hour's aggregate rides on one of its blocks, mid-file only "
          "once its sensor has moved on, and a sensor-hour met again starts a contribution of its own") {
  sluice::Config config = sluice::default_config();
  config.layout = sluice::StorageLayout::blocks;
  auto lines = [](int hour, int from, int to) {
    std::string out;
    for (int i = from; i < to; ++i)
      out += fmt::format("2026-01-01T{:02}:{:02}:{:02}Z,busy,{}.25,50,1000,3.5\n", hour, i / 60, i % 60, i % 40);
    return out;
  };
  sluice::ParsedFile parsed;
  parsed.file_id = 4;
  sluice::FileParser parser(config, {}, parsed);
  const std::string first = "ts,sensor_id,temperature,humidity,pressure,battery\n" + lines(2, 0, 6) + lines(3, 0, 10);
  CHECK(parser.feed(first, false) == first.size());
  parser.flush_blocks();  // as a streamed file does when its blocks reach the stream's bound
  REQUIRE(parsed.blocks.rows() == 2);
  CHECK(carried_rows(config, parsed.blocks, 0) == 6);   // 02:00-03:00, which the sensor has left
  CHECK(carried_rows(config, parsed.blocks, 1) == -1);  // 03:00, which goes on: no aggregate yet
  parsed.blocks.clear();
  const std::string rest = lines(3, 10, 3600) + lines(2, 10, 15);  // and 02:00 again, out of order
  CHECK(parser.feed(rest, true) == rest.size());
  parser.finish();
  REQUIRE(parsed.blocks.rows() > 3);  // 3,590 readings of 03:00 cut into several blocks, 5 of 02:00 in one
  std::vector<std::int64_t> carried;
  for (std::size_t i = 0; i < static_cast<std::size_t>(parsed.blocks.rows()); ++i)
    if (carried_rows(config, parsed.blocks, i) != -1) carried.push_back(carried_rows(config, parsed.blocks, i));
  // 02:00's second contribution (the 5 readings since), then 03:00 whole, each on one block.
  CHECK(carried == std::vector<std::int64_t>{5, 3600});
  CHECK(parsed.deltas.size() == 0);
}

namespace {

// The one block of six readings of sensor s1 in one hour, in the blocks layout of the default config: the i-th
// reading's temperature and humidity as `temperature(i)` and `humidity(i)` give them.
template <typename Temperature, typename Humidity>
std::vector<std::optional<std::string>> six_reading_block(const sluice::Config& config, Temperature temperature,
                                                          Humidity humidity) {
  std::string text = "ts,sensor_id,temperature,humidity,pressure,battery\n";
  for (int i = 0; i < 6; ++i)
    text += fmt::format("2026-01-01T00:{:02}:00Z,s1,{},{},1000,3.5\n", i, temperature(i), humidity(i));
  sluice::ParsedFile parsed;
  parsed.file_id = 5;
  sluice::parse_file(text, config, {}, parsed);
  REQUIRE(parsed.blocks.rows() == 1);
  return row_at(parsed.blocks, 0);
}

sluice::Config blocks_config() {
  sluice::Config config = sluice::default_config();
  config.layout = sluice::StorageLayout::blocks;
  return config;
}

}  // namespace

TEST_CASE("A carried aggregate leaves out the rows when they are the block's n, and a count when it is the rows") {
  const sluice::Config config = blocks_config();
  // Six readings of one sensor-hour, humidity NULL in one of them.
  const std::vector<std::optional<std::string>> row = six_reading_block(
      config, [](int) { return "20.5"; }, [](int i) { return i == 2 ? "" : "50"; });
  const std::vector<sluice::BlockColumn> columns = sluice::copied_block_columns(config);
  auto field = [&](sluice::BlockColumnKind kind, const std::string& name) {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i].kind == kind && columns[i].name == name) return row.at(i);
    FAIL("no column " << name);
    return std::optional<std::string>();
  };
  CHECK(field(sluice::BlockColumnKind::agg_hour, "agg:hour").has_value());
  CHECK_FALSE(field(sluice::BlockColumnKind::agg_rows, "agg:rows").has_value());  // 6, the block's n
  CHECK(big_endian32(field(sluice::BlockColumnKind::count, "n")->data()) == 6);   // which carried_hourly reads as rows
  CHECK_FALSE(field(sluice::BlockColumnKind::agg_count, "temperature:count").has_value());  // 6, the rows
  const std::optional<std::string> humidity = field(sluice::BlockColumnKind::agg_count, "humidity:count");
  REQUIRE(humidity.has_value());
  CHECK(big_endian32(humidity->data() + 4) == 5);
  // The float measures' bounds and sums packed, 19 bytes each in config order, their columns NULL.
  CHECK_FALSE(field(sluice::BlockColumnKind::agg_min, "humidity:min").has_value());
  CHECK_FALSE(field(sluice::BlockColumnKind::agg_sum, "temperature:sum").has_value());
  const std::optional<std::string> packed = field(sluice::BlockColumnKind::agg_packed, "agg:packed");
  REQUIRE(packed.has_value());
  REQUIRE(packed->size() == 4 * sluice::kPackedMeasureBytes);
  auto byte = [&](std::size_t at) { return static_cast<unsigned char>(packed->at(at)); };
  // temperature's min 20.5: mantissa 205 (plus 2^31), exponent -1 (plus 128); humidity's min 50: 50, exponent 0.
  CHECK(static_cast<std::uint32_t>(big_endian32(packed->data())) == 0x80000000u + 205);
  CHECK(byte(4) == 127);
  CHECK(static_cast<std::uint32_t>(big_endian32(packed->data() + 19)) == 0x80000000u + 50);
  CHECK(byte(19 + 4) == 128);
  // humidity's sum 250: the shortest decimal "25e1", i.e. mantissa 25 (plus 2^62) and exponent 1.
  CHECK(static_cast<std::uint32_t>(big_endian32(packed->data() + 19 + 10)) == 0x40000000u);
  CHECK(static_cast<std::uint32_t>(big_endian32(packed->data() + 19 + 14)) == 25);
  CHECK(byte(19 + 18) == 129);
}

TEST_CASE("A carried aggregate with a bound no packed form holds keeps its bounds and sums in their columns") {
  const sluice::Config config = blocks_config();
  // -0.0 is the least temperature: a mantissa of 0 would read back as +0.
  const std::vector<std::optional<std::string>> row = six_reading_block(
      config, [](int i) { return i == 3 ? "-0.0" : "20.5"; }, [](int) { return "50"; });
  const std::vector<sluice::BlockColumn> columns = sluice::copied_block_columns(config);
  REQUIRE(row.size() == columns.size());
  for (std::size_t i = 0; i < columns.size(); ++i) {
    CAPTURE(columns[i].name);
    if (columns[i].kind == sluice::BlockColumnKind::agg_packed) CHECK_FALSE(row[i].has_value());
    if (columns[i].kind == sluice::BlockColumnKind::agg_min || columns[i].kind == sluice::BlockColumnKind::agg_max ||
        columns[i].kind == sluice::BlockColumnKind::agg_sum)
      CHECK(row[i].has_value());
  }
}
