// FileAggregate (lib/parse/file_aggregate.hpp): per-file sensor-hour aggregates by interned sensor ids,
// checked against AggregateDeltas filled the direct way.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "parse/aggregate.hpp"
#include "parse/file_aggregate.hpp"

namespace {

using sluice::AggregateDeltas;
using sluice::FileAggregate;
using sluice::HourAggregate;

constexpr std::int64_t kHour = 3'600'000'000;

// Adds a row of two measures to a HourAggregate& or a HourAggregateRef.
template <typename Hour>
void add(Hour&& hour, double a, double b) {
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
  std::vector<sluice::TimeSpan> hours;
  mine.move_into(got, hours);
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
  std::vector<sluice::TimeSpan> hours;
  mine.move_into(deltas, hours);
  CHECK(deltas.at("s1", kHour).rows == 5);
  CHECK(deltas.at("s1", kHour).measures[0].count == 2);
  CHECK(deltas.at("s1", kHour).measures[0].sum == 6);
  AggregateDeltas again(1);
  mine.move_into(again, hours);
  CHECK(again.size() == 0);
  CHECK(mine.at("s1", kHour).rows == 0);  // fresh after the move, in memory kept from before it
  CHECK(mine.at("s1", kHour).measures[0].count == 0);
  CHECK(mine.at("s1", kHour).measures[0].sum == 0);
}

TEST_CASE("file_aggregate: the interning hash tells apart ids that share their first and last 8 bytes") {
  CHECK(sluice::sensor_id_hash("abcdefgh-X-abcdefgh") != sluice::sensor_id_hash("abcdefgh-Y-abcdefgh"));
  CHECK(sluice::sensor_id_hash("a") != sluice::sensor_id_hash("b"));
  CHECK(sluice::sensor_id_hash("") != sluice::sensor_id_hash(std::string_view("\0", 1)));
}

TEST_CASE("aggregate deltas: entries in (sensor, hour) order whatever order they came in, equal keys merged") {
  AggregateDeltas deltas(2);
  HourAggregate one;
  one.measures.resize(2);
  add(one, 1, 0);
  for (const auto& [sensor, hour] : std::vector<std::pair<std::string, std::int64_t>>{
           {"b", 2 * kHour}, {"a", 5 * kHour}, {"b", kHour}, {"a", 5 * kHour}, {"ab", 0}, {"a", 7 * kHour}}) {
    HourAggregate copy = one;
    deltas.add(sensor, hour, std::move(copy));
  }
  deltas.at("a", 6 * kHour).rows = 9;  // inserted in place
  std::vector<std::string> keys;
  for (const auto& [key, hour] : deltas.entries())
    keys.push_back(key.sensor + "@" + std::to_string(key.hour_micros / kHour) + "=" + std::to_string(hour.rows));
  CHECK(keys == std::vector<std::string>{"a@5=2", "a@6=9", "a@7=1", "ab@0=1", "b@1=1", "b@2=1"});
  CHECK(deltas.entries().at(sluice::SensorHour{"a", 5 * kHour}).measures[0].sum == 2);
  CHECK(deltas.entries().count(sluice::SensorHour{"a", 4 * kHour}) == 0);
  CHECK_THROWS_AS((void)deltas.entries().at(sluice::SensorHour{"c", 0}), std::out_of_range);
}

TEST_CASE("file_aggregate: move_into hands the sensor-hours over in key order") {
  FileAggregate mine(2);
  // First appearance order differs from key order: sensors and hours both out of order.
  for (const auto& [sensor, hour] : std::vector<std::pair<std::string, std::int64_t>>{
           {"s10", 3 * kHour}, {"s2", kHour}, {"s10", kHour}, {"s1", 9 * kHour}, {"s2", 0}})
    add(mine.at(sensor, hour), 1, 2);
  AggregateDeltas deltas(2);
  std::vector<sluice::TimeSpan> hours;
  mine.move_into(deltas, hours);
  std::vector<std::string> keys;
  for (const auto& [key, hour] : deltas.entries())
    keys.push_back(key.sensor + "@" + std::to_string(key.hour_micros / kHour));
  CHECK(keys == std::vector<std::string>{"s1@9", "s10@1", "s10@3", "s2@0", "s2@1"});
}

TEST_CASE("file_aggregate: move_into leaves out the carried sensor-hours and lists every hour seen once") {
  FileAggregate mine(1);
  for (const auto& [sensor, hour] : std::vector<std::pair<std::string, std::int64_t>>{
           {"a", 3 * kHour}, {"b", 3 * kHour}, {"a", kHour}, {"b", 40 * kHour}})
    mine.at(sensor, hour).rows = 1;
  mine.at("b", 3 * kHour);
  mine.mark_carried(mine.last_index());
  CHECK(mine.hour_micros(mine.last_index()) == 3 * kHour);
  AggregateDeltas deltas(1);
  std::vector<sluice::TimeSpan> hours;
  mine.move_into(deltas, hours);
  std::vector<std::string> keys;
  for (const auto& [key, hour] : deltas.entries()) keys.push_back(key.sensor + "@" + std::to_string(key.hour_micros / kHour));
  CHECK(keys == std::vector<std::string>{"a@1", "a@3", "b@40"});
  CHECK(hours == std::vector<sluice::TimeSpan>{{kHour, 2 * kHour}, {3 * kHour, 4 * kHour}, {40 * kHour, 41 * kHour}});
  CHECK(sluice::merged_spans(hours) == std::vector<sluice::TimeSpan>{{kHour, 4 * kHour}, {40 * kHour, 41 * kHour}});
}
