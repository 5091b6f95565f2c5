// FileAggregate (lib/parse/file_aggregate.hpp): per-file sensor-hour aggregates by interned sensor ids,
// checked against AggregateDeltas filled the direct way.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "parse/aggregate.hpp"
#include "parse/file_aggregate.hpp"

namespace {

using sluice::AggregateDeltas;
using sluice::FileAggregate;
using sluice::HourAggregate;

constexpr std::int64_t kHour = 3'600'000'000;

void add(HourAggregate& hour, double a, double b) {
  ++hour.rows;
  hour.measures[0].add(a);
  hour.measures[1].add(b);
}

}  // namespace

TEST_CASE("file_aggregate: the same deltas as AggregateDeltas::at, in any row order") {
  std::mt19937_64 random(99);
  std::vector<std::string> sensors;
  // Ids of every length around the hash's 8-byte words, ids that differ only in their middle byte, and
  // more ids than the initial slot table holds (it grows).
  for (int i = 0; i < 300; ++i)
    sensors.push_back(std::string(static_cast<std::size_t>(i % 25), 'a') + std::to_string(i));
  sensors.push_back("");
  sensors.push_back("abcdefgh-X-abcdefgh");
  sensors.push_back("abcdefgh-Y-abcdefgh");
  FileAggregate mine(2);
  AggregateDeltas expected(2);
  for (int row = 0; row < 100'000; ++row) {
    const std::string& sensor = sensors[random() % sensors.size()];
    // Mostly the same few hours (time-ordered files), sometimes a jump back or far ahead.
    const std::int64_t hour =
        (row / 5000 + (random() % 50 == 0 ? static_cast<std::int64_t>(random() % 300) : 0)) * kHour;
    const double a = static_cast<double>(random() % 1000) / 8, b = -static_cast<double>(random() % 1000) / 4;
    add(mine.at(sensor, hour), a, b);
    add(expected.at(sensor, hour), a, b);
  }
  AggregateDeltas got(2);
  mine.move_into(got);
  REQUIRE(got.size() == expected.size());
  for (const auto& [key, want] : expected.entries()) {
    INFO("sensor " << key.sensor << " hour " << key.hour_micros);
    const auto found = got.entries().find(key);
    REQUIRE(found != got.entries().end());
    CHECK(found->second.rows == want.rows);
    for (std::size_t m = 0; m < 2; ++m) {
      CHECK(found->second.measures[m].count == want.measures[m].count);
      CHECK(found->second.measures[m].min == want.measures[m].min);
      CHECK(found->second.measures[m].max == want.measures[m].max);
      CHECK(found->second.measures[m].sum == want.measures[m].sum);  // same additions in the same order
    }
  }
}

TEST_CASE("file_aggregate: move_into adds to what the deltas hold and leaves the aggregate empty") {
  FileAggregate mine(1);
  mine.at("s1", kHour).rows = 2;
  mine.at("s1", kHour).measures[0].add(5);
  AggregateDeltas deltas(1);
  deltas.at("s1", kHour).rows = 3;
  deltas.at("s1", kHour).measures[0].add(1);
  mine.move_into(deltas);
  CHECK(deltas.at("s1", kHour).rows == 5);
  CHECK(deltas.at("s1", kHour).measures[0].count == 2);
  CHECK(deltas.at("s1", kHour).measures[0].sum == 6);
  AggregateDeltas again(1);
  mine.move_into(again);
  CHECK(again.size() == 0);
  CHECK(mine.at("s1", kHour).rows == 0);  // fresh after the move
}

TEST_CASE("file_aggregate: the interning hash tells apart ids that share their first and last 8 bytes") {
  CHECK(sluice::sensor_id_hash("abcdefgh-X-abcdefgh") != sluice::sensor_id_hash("abcdefgh-Y-abcdefgh"));
  CHECK(sluice::sensor_id_hash("a") != sluice::sensor_id_hash("b"));
  CHECK(sluice::sensor_id_hash("") != sluice::sensor_id_hash(std::string_view("\0", 1)));
}
