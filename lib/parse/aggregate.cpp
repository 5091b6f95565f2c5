#include "parse/aggregate.hpp"

#include <algorithm>
#include <stdexcept>

namespace sluice {

void MeasureAggregate::merge(const MeasureAggregate& other) {
  count += other.count;
  if (other.min < min) min = other.min;
  if (other.max > max) max = other.max;
  sum += other.sum;
  if (other.int_min < int_min) int_min = other.int_min;
  if (other.int_max > int_max) int_max = other.int_max;
  int_sum += other.int_sum;
}

namespace {

// Whether key (a) comes before (sensor, hour).
bool before(const SensorHour& a, std::string_view sensor, std::int64_t hour_micros) {
  const int order = std::string_view(a.sensor).compare(sensor);
  return order < 0 || (order == 0 && a.hour_micros < hour_micros);
}

bool same(const SensorHour& a, std::string_view sensor, std::int64_t hour_micros) {
  return a.hour_micros == hour_micros && a.sensor == sensor;
}

}  // namespace

bool operator<(const SensorHour& a, const SensorHour& b) { return before(a, b.sensor, b.hour_micros); }

std::vector<AggregateDeltas::Entry>::const_iterator AggregateDeltas::Entries::find(const SensorHour& key) const {
  const auto found = std::lower_bound(entries_.begin(), entries_.end(), key,
                                      [](const Entry& entry, const SensorHour& k) { return entry.first < k; });
  return found != entries_.end() && found->first == key ? found : entries_.end();
}

const HourAggregate& AggregateDeltas::Entries::at(const SensorHour& key) const {
  const auto found = find(key);
  if (found == entries_.end()) throw std::out_of_range("no aggregate for this sensor-hour");
  return found->second;
}

std::vector<AggregateDeltas::Entry>::iterator AggregateDeltas::lower_bound(std::string_view sensor,
                                                                            std::int64_t hour_micros) {
  // Keys mostly arrive in order: the end is checked first.
  if (entries_.empty() || before(entries_.back().first, sensor, hour_micros)) return entries_.end();
  return std::lower_bound(entries_.begin(), entries_.end(), 0, [&](const Entry& entry, int) {
    return before(entry.first, sensor, hour_micros);
  });
}

HourAggregate& AggregateDeltas::at(std::string_view sensor, std::int64_t hour_micros) {
  auto found = lower_bound(sensor, hour_micros);
  if (found != entries_.end() && same(found->first, sensor, hour_micros)) return found->second;
  HourAggregate fresh;
  fresh.measures.resize(measure_count_);
  return entries_.insert(found, Entry{SensorHour{std::string(sensor), hour_micros}, std::move(fresh)})->second;
}

void AggregateDeltas::add(std::string_view sensor, std::int64_t hour_micros, HourAggregate&& aggregate) {
  auto found = lower_bound(sensor, hour_micros);
  if (found == entries_.end() || !same(found->first, sensor, hour_micros)) {
    entries_.insert(found, Entry{SensorHour{std::string(sensor), hour_micros}, std::move(aggregate)});
    return;
  }
  found->second.rows += aggregate.rows;
  for (std::size_t m = 0; m < aggregate.measures.size(); ++m) found->second.measures[m].merge(aggregate.measures[m]);
}

}  // namespace sluice
