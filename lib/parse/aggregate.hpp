#pragma once
// Per (sensor, hour) count/min/max/sum of each measure: the deltas a load unit merges into sensor_hourly.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice {

struct MeasureAggregate {
  std::int64_t count = 0;  ///< non-null values
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double sum = 0;

  void add(double value) {
    ++count;
    if (value < min) min = value;
    if (value > max) max = value;
    sum += value;
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

/// The aggregate deltas of one file or one load unit.
class AggregateDeltas {
 public:
  explicit AggregateDeltas(std::size_t measure_count = 0) : measure_count_(measure_count) {}

  /// The aggregate of (sensor, hour), created empty on first use; the caller adds the row's values.
  HourAggregate& at(std::string_view sensor, std::int64_t hour_micros);
  void merge(const AggregateDeltas& other);

  [[nodiscard]] std::size_t measure_count() const { return measure_count_; }
  [[nodiscard]] std::size_t size() const { return map_.size(); }
  [[nodiscard]] const std::unordered_map<SensorHour, HourAggregate, SensorHourHash>& entries() const { return map_; }

 private:
  std::size_t measure_count_;
  std::unordered_map<SensorHour, HourAggregate, SensorHourHash> map_;
  SensorHour probe_;  // reused lookup key: no allocation per row for short sensor ids
};

}  // namespace sluice
