#include "parse/file_aggregate.hpp"
#include "value/timestamp.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace sluice {
namespace {

std::uint64_t load8(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, 8);
  return word;
}

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  return h;
}

std::uint64_t hour_hash(std::uint32_t sensor, std::int64_t hour_micros) {
  return mix(static_cast<std::uint64_t>(hour_micros) ^ (static_cast<std::uint64_t>(sensor) * 0x9E3779B97F4A7C15ull));
}

}  // namespace

std::uint64_t sensor_id_hash(std::string_view id) {
  const char* p = id.data();
  const std::size_t n = id.size();
  std::uint64_t h = n * 0x9E3779B97F4A7C15ull;
  if (n >= 8) {
    // Overlapping words: every byte is read at least once, 8 at a time.
    for (std::size_t i = 0; i + 8 < n; i += 8) h = mix(h ^ load8(p + i));
    h = mix(h ^ load8(p + n - 8));
  } else {
    std::uint64_t word = 0;
    for (std::size_t i = 0; i < n; ++i) word = word << 8 | static_cast<unsigned char>(p[i]);
    h = mix(h ^ word);
  }
  return h;
}

FileAggregate::FileAggregate(std::size_t measure_count)
    : measure_count_(measure_count), slots_(64, 0), hour_slots_(256, 0) {}

void FileAggregate::grow_hour_slots() {
  std::vector<std::uint32_t> bigger(hour_slots_.size() * 2, 0);
  const std::size_t mask = bigger.size() - 1;
  for (std::uint32_t index = 0; index < hours_.size(); ++index) {
    std::size_t slot = hour_hash(hours_[index].sensor, hours_[index].hour_micros) & mask;
    while (bigger[slot] != 0) slot = (slot + 1) & mask;
    bigger[slot] = index + 1;
  }
  hour_slots_ = std::move(bigger);
}

std::uint32_t FileAggregate::hour_index(std::uint32_t sensor, std::int64_t hour_micros) {
  const std::size_t mask = hour_slots_.size() - 1;
  std::size_t slot = hour_hash(sensor, hour_micros) & mask;
  while (const std::uint32_t taken = hour_slots_[slot]) {
    const Hour& hour = hours_[taken - 1];
    if (hour.sensor == sensor && hour.hour_micros == hour_micros) return taken - 1;
    slot = (slot + 1) & mask;
  }
  const auto index = static_cast<std::uint32_t>(hours_.size());
  hours_.push_back(Hour{sensor, hour_micros, 0});
  if (index / kHoursPerChunk == measure_chunks_.size())
    measure_chunks_.push_back(std::make_unique<MeasureAggregate[]>(kHoursPerChunk * measure_count_));
  else  // a chunk kept from before the last move_into
    std::fill_n(measures_of(index), measure_count_, MeasureAggregate());
  hour_slots_[slot] = index + 1;
  if (hours_.size() * 2 > hour_slots_.size()) grow_hour_slots();  // at most half full
  return index;
}

void FileAggregate::grow_slots() {
  std::vector<std::uint32_t> bigger(slots_.size() * 2, 0);
  const std::size_t mask = bigger.size() - 1;
  for (std::uint32_t index = 0; index < sensors_.size(); ++index) {
    std::size_t slot = sensor_id_hash(sensors_[index].id) & mask;
    while (bigger[slot] != 0) slot = (slot + 1) & mask;
    bigger[slot] = index + 1;
  }
  slots_ = std::move(bigger);
}

std::uint32_t FileAggregate::intern(std::string_view sensor) {
  const std::size_t mask = slots_.size() - 1;
  std::size_t slot = sensor_id_hash(sensor) & mask;
  while (const std::uint32_t taken = slots_[slot]) {
    const std::string& id = sensors_[taken - 1].id;
    if (id.size() == sensor.size() && std::memcmp(id.data(), sensor.data(), sensor.size()) == 0) return taken - 1;
    slot = (slot + 1) & mask;
  }
  const auto index = static_cast<std::uint32_t>(sensors_.size());
  sensors_.push_back(Sensor{std::string(sensor), 0, 0, false});
  slots_[slot] = index + 1;
  if (sensors_.size() * 2 > slots_.size()) grow_slots();  // at most half full: probes stay short
  return index;
}

HourAggregateRef FileAggregate::at(std::string_view sensor_id, std::int64_t hour_micros) {
  Sensor& sensor = sensors_[intern(sensor_id)];
  // Files are mostly in time order: a sensor's next row is nearly always in the hour of its last one.
  if (sensor.has_hour && sensor.last_hour == hour_micros) {
    last_index_ = sensor.last;
    return {hours_[sensor.last].rows, measures_of(sensor.last)};
  }
  const std::uint32_t index = hour_index(static_cast<std::uint32_t>(&sensor - sensors_.data()), hour_micros);
  sensor.has_hour = true;
  sensor.last_hour = hour_micros;
  sensor.last = index;
  last_index_ = index;
  return {hours_[index].rows, measures_of(index)};
}

void FileAggregate::mark_carried(std::uint32_t index) {
  hours_[index].rows = 0;
  std::fill_n(measures_of(index), measure_count_, MeasureAggregate());
}

void FileAggregate::move_into(AggregateDeltas& deltas, std::vector<TimeSpan>& hours) {
  std::vector<std::int64_t> seen;
  seen.reserve(hours_.size());
  for (const Hour& hour : hours_) seen.push_back(hour.hour_micros);
  std::sort(seen.begin(), seen.end());
  seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
  for (std::int64_t hour : seen) hours.push_back({hour, hour + kMicrosPerHour});
  std::vector<std::uint32_t> order;
  order.reserve(hours_.size());
  for (std::uint32_t index = 0; index < hours_.size(); ++index)
    if (hours_[index].rows != 0) order.push_back(index);
  if (!order.empty()) {
    // In key order, so that each is appended: the sensors' ids are compared once to rank them, and the (sensor,
    // hour) pairs sorted by rank and hour.
    std::vector<std::uint32_t> by_id(sensors_.size());
    std::iota(by_id.begin(), by_id.end(), 0u);
    std::sort(by_id.begin(), by_id.end(),
              [&](std::uint32_t a, std::uint32_t b) { return sensors_[a].id < sensors_[b].id; });
    std::vector<std::uint32_t> rank(sensors_.size());
    for (std::uint32_t r = 0; r < by_id.size(); ++r) rank[by_id[r]] = r;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const std::uint32_t ra = rank[hours_[a].sensor], rb = rank[hours_[b].sensor];
      return ra < rb || (ra == rb && hours_[a].hour_micros < hours_[b].hour_micros);
    });
    deltas.reserve(deltas.size() + order.size());
    for (std::uint32_t index : order) {
      const Hour& hour = hours_[index];
      const MeasureAggregate* measures = measures_of(index);
      deltas.add(sensors_[hour.sensor].id, hour.hour_micros,
                 HourAggregate{hour.rows, std::vector<MeasureAggregate>(measures, measures + measure_count_)});
    }
  }
  sensors_.clear();
  hours_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
  std::fill(hour_slots_.begin(), hour_slots_.end(), 0);
}

}  // namespace sluice
