#pragma once
// The zone a timestamp without an offset is read in: a fixed offset, or an IANA zone ("Europe/Berlin") from
// the system tz database through cctz, with a rule for the wall-clock times that a daylight-saving change
// skips (spring: never a valid time) or repeats (autumn: two instants).
#include <cctz/time_zone.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

/// Which instant a repeated wall-clock time (the hour the clocks go back) stands for.
enum class AmbiguousTime { earliest, latest, reject };

/// "earliest", "latest" or "reject" -> the rule; nullopt for anything else.
std::optional<AmbiguousTime> parse_ambiguous_time(std::string_view text);
std::string_view to_string(AmbiguousTime rule);

/// Immutable and cheap to copy (a cctz::time_zone is a pointer to a loaded zone that cctz shares between
/// threads), so a zone loaded once per run serves every worker.
class LocalZone {
 public:
  /// UTC.
  LocalZone() = default;
  /// A fixed offset east of UTC: every wall-clock time is unique.
  static LocalZone fixed(int offset_seconds);
  /// An IANA zone from the system tz database ($TZDIR, else /usr/share/zoneinfo); nullopt when the database
  /// has no such zone. Names are checked first: a path ("/etc/...", "../"), "localtime" (the machine's own
  /// zone, different on every host) or cctz's "Fixed/..." spelling are not IANA names.
  static std::optional<LocalZone> iana(std::string_view name, AmbiguousTime ambiguous = AmbiguousTime::earliest);

  /// The Unix seconds of a wall-clock time given as seconds since 1970-01-01 00:00:00 on that clock. False
  /// for a time the zone skips and, with AmbiguousTime::reject, for a time it repeats.
  bool to_unix_seconds(std::int64_t local_seconds, std::int64_t& unix_seconds) const;

  /// The wall-clock times around `local_seconds` that have one instant each, at one offset: to_unix_seconds
  /// of any local time in [begin, end) is that time minus `offset`. Empty (begin == end) when
  /// `local_seconds` itself is skipped or repeated.
  struct UniqueSpan {
    std::int64_t begin = 0, end = 0, offset = 0;
  };
  [[nodiscard]] UniqueSpan unique_span(std::int64_t local_seconds) const;

  [[nodiscard]] bool is_fixed() const { return !zone_; }
  [[nodiscard]] int fixed_offset_seconds() const { return offset_seconds_; }
  /// The IANA name; empty for a fixed offset.
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] AmbiguousTime ambiguous() const { return ambiguous_; }

 private:
  int offset_seconds_ = 0;
  std::optional<cctz::time_zone> zone_;
  std::string name_;
  AmbiguousTime ambiguous_ = AmbiguousTime::earliest;
};

/// True when the system tz database can be read at all (Etc/UTC loads): tells "no such zone" from "no
/// tzdata installed" in an error message.
bool tz_database_available();

/// Converts wall-clock times of one zone for one thread. A zone lookup (a binary search over the zone's
/// transitions) costs hundreds of instructions; sensor files are mostly in time order, so the span of unique
/// times at one offset around the last lookup (usually half a year) answers the next rows by a subtraction.
class LocalTimeResolver {
 public:
  explicit LocalTimeResolver(LocalZone zone);

  /// As LocalZone::to_unix_seconds.
  bool to_unix_seconds(std::int64_t local_seconds, std::int64_t& unix_seconds) {
    if (local_seconds >= span_.begin && local_seconds < span_.end) {
      unix_seconds = local_seconds - span_.offset;
      return true;
    }
    return look_up(local_seconds, unix_seconds);
  }

 private:
  bool look_up(std::int64_t local_seconds, std::int64_t& unix_seconds);

  LocalZone zone_;
  LocalZone::UniqueSpan span_;
};

}  // namespace sluice
