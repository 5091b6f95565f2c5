#pragma once
// Timestamps as microseconds since the Unix epoch, UTC: what PostgreSQL's timestamptz stores.
#include <cstdint>
#include <string_view>

namespace sluice {

class LocalTimeResolver;  // value/zone.hpp

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerHour = 3'600 * kMicrosPerSecond;

/// ISO-8601 / RFC 3339 date-time with a zone: `YYYY-MM-DD[T| ]HH:MM:SS[.fraction](Z|±HH[:MM])`.
/// Fractions are rounded to microseconds. Rejects impossible dates (Feb 30), hour 24, second 60
/// (leap seconds: PostgreSQL would silently move them to the next minute), years outside 1..9999,
/// and a missing zone (a naive time is ambiguous).
bool parse_iso8601(std::string_view text, std::int64_t& unix_micros);

/// Like parse_iso8601, but a time without a zone is taken at `default_offset_seconds` east of UTC.
bool parse_iso8601(std::string_view text, int default_offset_seconds, std::int64_t& unix_micros);

/// Like parse_iso8601, but a time without a zone is a wall-clock time of `zone` (false when the zone skips
/// it, or repeats it and its rule is to reject).
bool parse_iso8601(std::string_view text, LocalTimeResolver& zone, std::int64_t& unix_micros);

/// A strftime-like pattern: %Y (4 digits), %m %d %H %M %S (1-2 digits), %f (fraction, 1-9 digits),
/// %z (Z, ±HH[:MM]), %% and literal characters. Without %z the time is at `default_offset_seconds`.
bool parse_pattern(std::string_view text, std::string_view pattern, int default_offset_seconds,
                   std::int64_t& unix_micros);

/// Like parse_pattern, but without %z the time is a wall-clock time of `zone`.
bool parse_pattern(std::string_view text, std::string_view pattern, LocalTimeResolver& zone, std::int64_t& unix_micros);

/// A fixed zone: "UTC", "Z", "+01:00", "-0530", "+05" -> seconds east of UTC.
bool parse_zone_offset(std::string_view text, int& offset_seconds);

/// Epoch seconds or milliseconds, integer or fractional, within years 1..9999.
bool parse_epoch(std::string_view text, std::int64_t units_per_second, std::int64_t& unix_micros);

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);

/// The calendar year (UTC) of a Unix-microsecond instant.
int year_of(std::int64_t unix_micros);

/// Unix microseconds of January 1st, 00:00 UTC, of `year`.
std::int64_t year_start_micros(int year);

/// Floor of unix_micros to the hour.
inline std::int64_t hour_floor(std::int64_t unix_micros) {
  std::int64_t q = unix_micros / kMicrosPerHour;
  if (unix_micros % kMicrosPerHour < 0) --q;
  return q * kMicrosPerHour;
}

}  // namespace sluice
