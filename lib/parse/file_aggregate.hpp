#pragma once
// One file's sensor-hour aggregates, kept by interned sensor ids while the file is parsed and moved into
// AggregateDeltas once at its end: a row costs a short hash of the id's bytes and, for a sensor whose hour
// did not change, no map lookup at all (no std::string key built and hashed per row).
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "parse/aggregate.hpp"

namespace sluice {

class FileAggregate {
 public:
  explicit FileAggregate(std::size_t measure_count);

  /// The aggregate of (sensor, hour), created empty on first use. The reference is valid until the next call.
  HourAggregate& at(std::string_view sensor, std::int64_t hour_micros);

  /// The index of the (sensor, hour) the last at() returned: dense, in order of first appearance, stable until
  /// move_into (the block builder groups readings by it).
  [[nodiscard]] std::uint32_t last_index() const { return last_index_; }

  /// Adds every (sensor, hour) into `deltas` (once per pair, not per row) and empties this one.
  void move_into(AggregateDeltas& deltas);

 private:
  struct Sensor {
    std::string id;
    std::int64_t last_hour = 0;
    std::uint32_t last = 0;                                   // index into hours_ of last_hour
    std::unordered_map<std::int64_t, std::uint32_t> by_hour;  // every hour of this sensor
  };
  struct Hour {
    std::uint32_t sensor;
    std::int64_t hour_micros;
    HourAggregate aggregate;
  };

  std::uint32_t intern(std::string_view sensor);
  void grow_slots();

  std::size_t measure_count_;
  std::vector<Sensor> sensors_;
  std::vector<Hour> hours_;
  std::uint32_t last_index_ = 0;
  std::vector<std::uint32_t> slots_;  // open addressing: sensor index + 1, 0 when free; a power of two long
};

/// The interning hash: the first and last 8 bytes (and the middle, for longer ids) mixed with the length.
std::uint64_t sensor_id_hash(std::string_view id);

}  // namespace sluice
