#pragma once
// One file's sensor-hour aggregates, kept by interned sensor ids while the file is parsed and moved into
// AggregateDeltas once at its end: a row costs a short hash of the id's bytes and, for a sensor whose hour
// did not change, no map lookup at all (no std::string key built and hashed per row).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/time_span.hpp"
#include "parse/aggregate.hpp"

namespace sluice {

class FileAggregate {
 public:
  explicit FileAggregate(std::size_t measure_count);

  /// The aggregate of (sensor, hour), created empty on first use. The reference is valid until the next call.
  HourAggregateRef at(std::string_view sensor, std::int64_t hour_micros);

  /// The index of the (sensor, hour) the last at() returned: dense, in order of first appearance, stable until
  /// move_into (the block builder groups readings by it).
  [[nodiscard]] std::uint32_t last_index() const { return last_index_; }

  /// The (sensor, hour) of index `index` (a last_index()): its hour and aggregate so far.
  [[nodiscard]] std::int64_t hour_micros(std::uint32_t index) const { return hours_[index].hour_micros; }
  [[nodiscard]] HourAggregateView aggregate(std::uint32_t index) const {
    return {hours_[index].rows, measures_of(index)};
  }
  /// Whether (sensor, hour) `index` is the hour of its sensor's last row: in a file in time order, the one of its
  /// sensor's hours that may still grow.
  [[nodiscard]] bool latest_of_sensor(std::uint32_t index) const {
    return sensors_[hours_[index].sensor].last_hour == hours_[index].hour_micros;
  }
  /// A block carries the aggregate of `index` as it is now: it starts again from empty (a later row of that
  /// sensor-hour begins a contribution of its own), and move_into leaves it out while it has no rows.
  void mark_carried(std::uint32_t index);
  /// Adds every (sensor, hour) with rows not carried into `deltas` (once per pair, not per row), appends every
  /// hour seen (carried or not) to `hours` as a one-hour span, and empties this one.
  void move_into(AggregateDeltas& deltas, std::vector<TimeSpan>& hours);

  /// About the memory the (sensor, hour) pairs since the last move_into take: a pair, its measures and its two
  /// slots of the hash table (at most half full) each.
  [[nodiscard]] std::size_t memory_bytes() const {
    return hours_.size() * (sizeof(Hour) + 2 * sizeof(std::uint32_t) + measure_count_ * sizeof(MeasureAggregate));
  }

 private:
  struct Sensor {
    std::string id;
    std::int64_t last_hour = 0;
    std::uint32_t last = 0;  // index into hours_ of last_hour
    bool has_hour = false;   // whether last_hour is one yet
  };
  struct Hour {
    std::uint32_t sensor;
    std::int64_t hour_micros;
    std::int64_t rows;
  };
  // The measures of hours_[index], in chunks of kHoursPerChunk pairs: one allocation per chunk, not one per pair
  // (an 11-day file of 200 sensors has ~50,000 pairs), and never moved (a growing vector copied them all again).
  // Small, so that a file of a few sensor-hours (a small Kafka file) does not fill a large chunk with empty values.
  static constexpr std::size_t kHoursPerChunk = 256;
  [[nodiscard]] MeasureAggregate* measures_of(std::uint32_t index) const {
    return measure_chunks_[index / kHoursPerChunk].get() + index % kHoursPerChunk * measure_count_;
  }

  std::uint32_t intern(std::string_view sensor);
  void grow_slots();
  // The index into hours_ of (sensor, hour), added when new.
  std::uint32_t hour_index(std::uint32_t sensor, std::int64_t hour_micros);
  void grow_hour_slots();

  std::size_t measure_count_;
  std::vector<Sensor> sensors_;
  std::vector<Hour> hours_;
  std::vector<std::unique_ptr<MeasureAggregate[]>> measure_chunks_;  // kept from move_into to move_into
  std::uint32_t last_index_ = 0;
  std::vector<std::uint32_t> slots_;  // open addressing: sensor index + 1, 0 when free; a power of two long
  // Every (sensor, hour) of the file, one flat open-addressing table for all sensors (index into hours_ + 1, 0 when
  // free; a power of two long): a per-sensor node map rehashed again and again as a sensor's hours accumulated.
  std::vector<std::uint32_t> hour_slots_;
};

/// The interning hash: the first and last 8 bytes (and the middle, for longer ids) mixed with the length.
std::uint64_t sensor_id_hash(std::string_view id);

}  // namespace sluice
