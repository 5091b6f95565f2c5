#include "infer/infer_roles.hpp"

#include <algorithm>
#include <cctype>

#include "core/ascii.hpp"

namespace sluice {
namespace {

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

// The words of a name: split at non-alphanumerics and lower-to-upper case changes ("stationId" ->
// station, id), lower-cased.
std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words(1);
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    const bool case_change = i > 0 && std::isupper(c) && std::islower(static_cast<unsigned char>(name[i - 1]));
    if (!std::isalnum(c) || case_change) {
      if (!words.back().empty()) words.emplace_back();
      if (!std::isalnum(c)) continue;
    }
    words.back() += static_cast<char>(std::tolower(c));
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

bool has_word(const std::vector<std::string>& words, std::initializer_list<std::string_view> wanted) {
  return std::any_of(words.begin(), words.end(), [&](const std::string& word) {
    return std::find(wanted.begin(), wanted.end(), word) != wanted.end();
  });
}

// 0 best; kNotSensor not a sensor name. Ids alone ("id", "unit_id") rank last.
constexpr int kNotSensor = 7;
int sensor_rank(const std::string& name) {
  const std::string n = ascii_lower(name);
  const std::vector<std::string> words = name_words(name);
  if (n == "sensor_id" || n == "sensor" || n == "sensorid") return 0;
  if (contains(n, "sensor")) return 1;
  if (contains(n, "device")) return 2;
  if (contains(n, "station")) return 3;
  if (contains(n, "location") || has_word(words, {"site", "siteid", "sitename", "loc"})) return 4;
  if (contains(n, "node") || n == "mac" || contains(n, "mac_") || contains(n, "_mac")) return 5;
  if (has_word(words, {"id"})) return 6;
  return kNotSensor;
}

}  // namespace

bool phone_like_name(std::string_view name) {
  const std::vector<std::string> words = name_words(name);
  return has_word(words, {"phone", "telephone", "tel", "mobile", "fax", "msisdn", "zip", "zipcode", "postcode",
                          "postal", "iban", "account", "imei", "imsi"}) ||
         contains(ascii_lower(name), "phone");
}

bool percent_like_name(std::string_view name) {
  const std::string n = ascii_lower(name);
  return contains(n, "humid") || contains(n, "percent") || contains(n, "%") ||
         has_word(name_words(name), {"rh", "pct", "relhum"});
}

bool epoch_plausible(const SampledColumn& column) {
  if (!column.profile.epoch || phone_like_name(column.name)) return false;
  return timestamp_like_name(column.name) || column.profile.epoch->ordered_share >= kEpochOrderedShare;
}

bool timestamp_like_name(std::string_view name) {
  const std::string n = ascii_lower(name);
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
    if (!epoch_plausible(columns[i])) continue;
    if (timestamp_like_name(columns[i].name)) {
      epoch = i;
      break;
    }
    if (!epoch) epoch = i;
  }
  if (!epoch) return std::nullopt;
  return TimestampSource{*epoch, std::nullopt, TimestampGuess{columns[*epoch].profile.epoch->format, {}, true, 0}};
}

std::optional<std::size_t> find_sensor(const std::vector<SampledColumn>& columns, std::size_t timestamp_column,
                                       std::size_t rows) {
  std::optional<std::size_t> best;
  int best_rank = kNotSensor;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const ColumnProfile& profile = columns[i].profile;
    if (i == timestamp_column || (profile.kind != ValueKind::text && profile.kind != ValueKind::integer)) continue;
    if (phone_like_name(columns[i].name)) continue;
    const int rank = sensor_rank(columns[i].name);
    if (columns[i].distinct * 2 > rows && rows > 1) continue;  // a row number or a free text, not a sensor
    if (rank < best_rank) {
      best = i;
      best_rank = rank;
    }
  }
  return best;
}

}  // namespace sluice
