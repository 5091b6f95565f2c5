#include "infer/infer_roles.hpp"

#include <algorithm>
#include <cctype>

namespace sluice {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
bool ends_with(std::string_view text, std::string_view end) {
  return text.size() >= end.size() && text.substr(text.size() - end.size()) == end;
}

// The first column of `kind`, preferring a timestamp-like name.
std::optional<std::size_t> first_of(const std::vector<SampledColumn>& columns, ValueKind kind) {
  std::optional<std::size_t> first;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].profile.kind != kind) continue;
    if (timestamp_like_name(columns[i].name)) return i;
    if (!first) first = i;
  }
  return first;
}

// 0 best; 6 not a sensor name. Ids alone ("id", "unit_id") only count when values repeat.
int sensor_rank(const std::string& name) {
  const std::string n = lower(name);
  if (n == "sensor_id" || n == "sensor" || n == "sensorid") return 0;
  if (contains(n, "sensor")) return 1;
  if (contains(n, "device")) return 2;
  if (contains(n, "station")) return 3;
  if (contains(n, "node") || n == "mac" || contains(n, "mac_") || contains(n, "_mac")) return 4;
  if (n == "id" || ends_with(n, "_id") || ends_with(n, "-id") || ends_with(n, " id") || ends_with(name, "Id")) return 5;
  return 6;
}

}  // namespace

bool timestamp_like_name(std::string_view name) {
  const std::string n = lower(name);
  return n == "ts" || n == "t_stamp" || contains(n, "time") || contains(n, "epoch") || n == "date" ||
         contains(n, "datetime") || ends_with(n, "_at") || ends_with(n, "_ts");
}

std::optional<TimestampSource> find_timestamp(const std::vector<SampledColumn>& columns) {
  if (auto datetime = first_of(columns, ValueKind::datetime))
    return TimestampSource{*datetime, std::nullopt, *columns[*datetime].profile.timestamp};
  const auto date = first_of(columns, ValueKind::date);
  const auto time = first_of(columns, ValueKind::time);
  if (date && time) {
    TimestampGuess format = *columns[*date].profile.timestamp;
    format.pattern += " " + columns[*time].profile.timestamp->pattern;
    return TimestampSource{*date, *time, format};
  }
  if (date) return TimestampSource{*date, std::nullopt, *columns[*date].profile.timestamp};
  std::optional<std::size_t> epoch;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (!columns[i].profile.epoch) continue;
    if (timestamp_like_name(columns[i].name)) {
      epoch = i;
      break;
    }
    if (!epoch) epoch = i;
  }
  if (!epoch) return std::nullopt;
  return TimestampSource{*epoch, std::nullopt, TimestampGuess{*columns[*epoch].profile.epoch, {}, true, 0}};
}

std::optional<std::size_t> find_sensor(const std::vector<SampledColumn>& columns, std::size_t timestamp_column,
                                       std::size_t rows) {
  std::optional<std::size_t> best;
  int best_rank = 6;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const ColumnProfile& profile = columns[i].profile;
    if (i == timestamp_column || (profile.kind != ValueKind::text && profile.kind != ValueKind::integer)) continue;
    const int rank = sensor_rank(columns[i].name);
    if (rank == 5 && columns[i].distinct * 2 > rows) continue;  // a row number, not a sensor
    if (rank < best_rank) {
      best = i;
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace sluice
