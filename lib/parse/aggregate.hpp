#pragma once
// Per (sensor, hour) count/min/max/sum of each measure in one file: the file's contribution to sensor_hourly,
// stored under its file id so that replacing or expiring the file removes exactly what it added.
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
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

/// A sensor-hour's aggregate where its keeper holds it (FileAggregate keeps every one's measures side by side).
struct HourAggregateRef {
  std::int64_t& rows;
  MeasureAggregate* measures;  ///< one per configured measure, in config order
};
struct HourAggregateView {
  std::int64_t rows;
  const MeasureAggregate* measures;  ///< one per configured measure, in config order
};

struct SensorHour {
  std::string sensor;
  std::int64_t hour_micros;  ///< Unix microseconds, floored to the hour (UTC)
  bool operator==(const SensorHour&) const = default;
};

/// Orders (sensor, hour) keys: by sensor id, then hour.
bool operator<(const SensorHour& a, const SensorHour& b);

/// The aggregate deltas of one file: one entry per (sensor, hour), kept sorted by key. Sorted because they are
/// written to file_hourly in that order (its (sensor, hour) btree then takes a file's rows in runs); a flat
/// vector because a file of the 11-day bench shape has ~50,000 of them, and a node per entry cost an allocation
/// and a free each.
class AggregateDeltas {
 public:
  using Entry = std::pair<SensorHour, HourAggregate>;

  /// The entries in key order, with the lookups of a map.
  class Entries {
   public:
    explicit Entries(const std::vector<Entry>& entries) : entries_(entries) {}
    [[nodiscard]] auto begin() const { return entries_.begin(); }
    [[nodiscard]] auto end() const { return entries_.end(); }
    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] bool empty() const { return entries_.empty(); }
    /// The entry of `key`, or end().
    [[nodiscard]] std::vector<Entry>::const_iterator find(const SensorHour& key) const;
    /// 1 when there is an entry of `key`, else 0.
    [[nodiscard]] std::size_t count(const SensorHour& key) const { return find(key) == end() ? 0 : 1; }
    /// The aggregate of `key`; throws std::out_of_range when there is none.
    [[nodiscard]] const HourAggregate& at(const SensorHour& key) const;

   private:
    const std::vector<Entry>& entries_;
  };

  explicit AggregateDeltas(std::size_t measure_count = 0) : measure_count_(measure_count) {}

  /// The aggregate of (sensor, hour), created empty on first use; the caller adds the row's values. The reference
  /// is valid until the next change.
  HourAggregate& at(std::string_view sensor, std::int64_t hour_micros);
  /// Adds a whole (sensor, hour) aggregate: taken over when the pair is new, merged otherwise. Adding keys in
  /// ascending order appends; others are inserted in place.
  void add(std::string_view sensor, std::int64_t hour_micros, HourAggregate&& aggregate);
  /// Room for `pairs` (sensor, hour) pairs in all.
  void reserve(std::size_t pairs) { entries_.reserve(pairs); }
  /// Forgets every entry (once they are written out).
  void clear() { entries_.clear(); }

  [[nodiscard]] std::size_t measure_count() const { return measure_count_; }
  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] Entries entries() const { return Entries(entries_); }

 private:
  // The first entry whose key is not below (sensor, hour).
  std::vector<Entry>::iterator lower_bound(std::string_view sensor, std::int64_t hour_micros);

  std::size_t measure_count_;
  std::vector<Entry> entries_;
};

}  // namespace sluice
