#pragma once
// Which inferred column is the timestamp and which the sensor id (`sluice infer`), from names and kinds.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "infer/infer_column.hpp"

namespace sluice {

/// A column of the sample: its name in the header (or column_N) and its profile.
struct SampledColumn {
  std::string name;
  ColumnProfile profile;
  std::size_t distinct = 0;  ///< distinct non-null values
};

/// Where the timestamp comes from: one column, or a date column and a time column.
struct TimestampSource {
  std::size_t column = 0;
  std::optional<std::size_t> time_column;  ///< set: `column` is the date, assembled as "<date> <time>"
  TimestampGuess format;
};

/// Share of forward steps (EpochGuess::ordered_share) from which numbers in the epoch range are a
/// timestamp without a timestamp-like name.
constexpr double kEpochOrderedShare = 0.8;

/// The timestamp: a date-time column (a timestamp-like name first), else a date column with a time
/// column, else a date column, else numbers in the epoch range that are plausible as time
/// (epoch_plausible; a timestamp-like name first).
std::optional<TimestampSource> find_timestamp(const std::vector<SampledColumn>& columns);

/// The sensor id: a text (or integer) column with few distinct values (at most half the rows) named like
/// sensor, device, station, location or site, node or mac, or id (in this order of preference; also as
/// part of the name: station_id, deviceName, site); none when no column qualifies.
std::optional<std::size_t> find_sensor(const std::vector<SampledColumn>& columns, std::size_t timestamp_column,
                                       std::size_t rows);

/// True when epoch-range numbers behave like time: not named like a phone number, and named like a
/// timestamp or mostly stepping forward by small steps (EpochGuess::ordered_share >= kEpochOrderedShare).
bool epoch_plausible(const SampledColumn& column);

/// True for names of numbers that are not quantities: phone, tel, mobile, fax, zip, postcode, account, imei.
bool phone_like_name(std::string_view name);

/// True for names of quantities bounded by 0..100: humidity, rh, percent, pct, "%".
bool percent_like_name(std::string_view name);

/// True for names like ts, time, timestamp, datetime, created_at, epoch.
bool timestamp_like_name(std::string_view name);

}  // namespace sluice
