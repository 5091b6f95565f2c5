#include "value/zone.hpp"

#include <cctz/civil_time.h>

#include <algorithm>
#include <utility>

namespace sluice {
namespace {

using Lookup = cctz::time_zone::civil_lookup;

constexpr std::int64_t kMinSeconds = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMaxSeconds = std::numeric_limits<std::int64_t>::max();
constexpr cctz::civil_second kLocalEpoch(1970, 1, 1, 0, 0, 0);

std::int64_t unix_of(const cctz::time_point<cctz::seconds>& instant) { return instant.time_since_epoch().count(); }

std::int64_t local_of(const cctz::civil_second& civil) { return civil - kLocalEpoch; }

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '+' || c == '.';
}

// IANA names are "Area/Location[/More]" of letters, digits and _ - + . ("Etc/GMT+5", "America/Port-au-Prince").
// cctz would also open any path, read the machine's zone for "localtime" and parse "Fixed/UTC+01:00:00"; a
// config must mean the same zone on every host, so those are refused before cctz sees the name.
bool iana_shaped(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "localtime" || name.substr(0, 6) == "Fixed/") return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = name.find('/', start);
    const std::string_view part = name.substr(start, slash == std::string_view::npos ? name.npos : slash - start);
    if (part.empty() || part.front() == '.' || !std::all_of(part.begin(), part.end(), name_char)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

std::optional<AmbiguousTime> parse_ambiguous_time(std::string_view text) {
  if (text == "earliest") return AmbiguousTime::earliest;
  if (text == "latest") return AmbiguousTime::latest;
  if (text == "reject") return AmbiguousTime::reject;
  return std::nullopt;
}

std::string_view to_string(AmbiguousTime rule) {
  switch (rule) {
    case AmbiguousTime::earliest: return "earliest";
    case AmbiguousTime::latest: return "latest";
    case AmbiguousTime::reject: return "reject";
  }
  return "earliest";
}

LocalZone LocalZone::fixed(int offset_seconds) {
  LocalZone zone;
  zone.offset_seconds_ = offset_seconds;
  return zone;
}

std::optional<LocalZone> LocalZone::iana(std::string_view name, AmbiguousTime ambiguous) {
  if (!iana_shaped(name)) return std::nullopt;
  cctz::time_zone loaded;
  if (!cctz::load_time_zone(std::string(name), &loaded)) return std::nullopt;
  LocalZone zone;
  zone.zone_ = loaded;
  zone.name_ = std::string(name);
  zone.ambiguous_ = ambiguous;
  return zone;
}

bool LocalZone::to_unix_seconds(std::int64_t local_seconds, std::int64_t& unix_seconds) const {
  if (!zone_) {
    unix_seconds = local_seconds - offset_seconds_;
    return true;
  }
  const Lookup found = zone_->lookup(kLocalEpoch + local_seconds);
  switch (found.kind) {
    case Lookup::UNIQUE: unix_seconds = unix_of(found.pre); return true;
    case Lookup::SKIPPED: return false;
    case Lookup::REPEATED:
      if (ambiguous_ == AmbiguousTime::reject) return false;
      unix_seconds = ambiguous_ == AmbiguousTime::earliest ? std::min(unix_of(found.pre), unix_of(found.post))
                                                           : std::max(unix_of(found.pre), unix_of(found.post));
      return true;
  }
  return false;
}

LocalZone::UniqueSpan LocalZone::unique_span(std::int64_t local_seconds) const {
  if (!zone_) return {kMinSeconds, kMaxSeconds, offset_seconds_};
  const Lookup found = zone_->lookup(kLocalEpoch + local_seconds);
  if (found.kind != Lookup::UNIQUE) return {local_seconds, local_seconds, 0};
  UniqueSpan span{kMinSeconds, kMaxSeconds, local_seconds - unix_of(found.pre)};
  // A transition moves the clock from `from` to `to`: the times between the two are skipped (forward) or
  // repeated (back), so unique times start after the later of the two and end before the earlier one.
  // prev_transition looks strictly before its argument, and a transition at this very instant applies to it.
  cctz::time_zone::civil_transition change;
  if (zone_->prev_transition(found.pre + cctz::seconds(1), &change))
    span.begin = local_of(std::max(change.from, change.to));
  if (zone_->next_transition(found.pre, &change)) span.end = local_of(std::min(change.from, change.to));
  if (span.begin > local_seconds || span.end <= local_seconds) return {local_seconds, local_seconds, 0};
  return span;
}

bool tz_database_available() {
  cctz::time_zone utc;
  return cctz::load_time_zone("Etc/UTC", &utc);
}

LocalTimeResolver::LocalTimeResolver(LocalZone zone) : zone_(std::move(zone)) {}

bool LocalTimeResolver::look_up(std::int64_t local_seconds, std::int64_t& unix_seconds) {
  const LocalZone::UniqueSpan span = zone_.unique_span(local_seconds);
  if (span.begin < span.end) {
    span_ = span;
    unix_seconds = local_seconds - span.offset;
    return true;
  }
  return zone_.to_unix_seconds(local_seconds, unix_seconds);  // skipped or repeated: rare, not cached
}

}  // namespace sluice
