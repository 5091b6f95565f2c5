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

}  // namespace sluice
