#include "parse/aggregate.hpp"

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

HourAggregate& AggregateDeltas::at(std::string_view sensor, std::int64_t hour_micros) {
  probe_.sensor.assign(sensor);
  probe_.hour_micros = hour_micros;
  auto found = map_.find(probe_);
  if (found != map_.end()) return found->second;
  HourAggregate fresh;
  fresh.measures.resize(measure_count_);
  return map_.emplace(probe_, std::move(fresh)).first->second;
}

void AggregateDeltas::add(std::string_view sensor, std::int64_t hour_micros, HourAggregate&& aggregate) {
  auto [found, fresh] = map_.try_emplace(SensorHour{std::string(sensor), hour_micros}, std::move(aggregate));
  if (fresh) return;
  found->second.rows += aggregate.rows;
  for (std::size_t m = 0; m < aggregate.measures.size(); ++m) found->second.measures[m].merge(aggregate.measures[m]);
}

}  // namespace sluice
