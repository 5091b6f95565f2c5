#pragma once
// Per (sensor, hour) count/min/max/sum of each measure in one file: the file's contribution to sensor_hourly,
// stored under its file id so that replacing or expiring the file removes exactly what it added.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice {

/// A sum of 64-bit integers that cannot overflow for any file: 2^63 values of 2^63 fit.
__extension__ typedef __int128 IntegerSum;

/// One measure of one sensor-hour. A float measure uses min/max/sum; an integer measure (an `int` column)
/// int_min/int_max/int_sum, so that its sum stays exact beyond 2^53, where a double would round.
struct MeasureAggregate {
  std::int64_t count = 0;  ///< non-null values
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0;
  std::int64_t int_min = std::numeric_limits<std::int64_t>::max();
  std::int64_t int_max = std::numeric_limits<std::int64_t>::min();
  IntegerSum int_sum = 0;

  void add(double value) {
    ++count;
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
  }
  void add_integer(std::int64_t value) {
    ++count;
    if (value < int_min) int_min = value;
    if (value > int_max) int_max = value;
    int_sum += value;
  }
  void merge(const MeasureAggregate& other);
};

struct HourAggregate {
  std::int64_t rows = 0;
  std::vector<MeasureAggregate> measures;  ///< one per configured measure, in config order
};

struct SensorHour {
  std::string sensor;
  std::int64_t hour_micros;  ///< Unix microseconds, floored to the hour (UTC)
  bool operator==(const SensorHour&) const = default;
};

struct SensorHourHash {
  std::size_t operator()(const SensorHour& key) const noexcept {
    return std::hash<std::string_view>{}(key.sensor) ^
           (std::hash<std::int64_t>{}(key.hour_micros) * 0x9E3779B97F4A7C15ull);
  }
};

/// The aggregate deltas of one file.
class AggregateDeltas {
 public:
  explicit AggregateDeltas(std::size_t measure_count = 0) : measure_count_(measure_count) {}

  /// The aggregate of (sensor, hour), created empty on first use; the caller adds the row's values.
  HourAggregate& at(std::string_view sensor, std::int64_t hour_micros);
  /// Adds a whole (sensor, hour) aggregate: taken over when the pair is new, merged otherwise.
  void add(std::string_view sensor, std::int64_t hour_micros, HourAggregate&& aggregate);
  /// Room for `pairs` (sensor, hour) pairs in all, so adding them does not rehash on the way.
  void reserve(std::size_t pairs) { map_.reserve(pairs); }

  [[nodiscard]] std::size_t measure_count() const { return measure_count_; }
  [[nodiscard]] std::size_t size() const { return map_.size(); }
  [[nodiscard]] const std::unordered_map<SensorHour, HourAggregate, SensorHourHash>& entries() const { return map_; }

 private:
  std::size_t measure_count_;
  std::unordered_map<SensorHour, HourAggregate, SensorHourHash> map_;
  SensorHour probe_;  // reused lookup key: no allocation per row for short sensor ids
};

}  // namespace sluice
