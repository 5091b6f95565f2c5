// IANA zones (lib/value/zone.hpp) and local-time timestamps across both daylight-saving changes of 2026, in a
// northern zone that changes at 01:00 UTC (Europe/Berlin), one that changes at 02:00 local time
// (America/New_York) and a southern one (Australia/Sydney): before, at and after each change; the skipped
// hour rejected; the repeated hour earliest, latest or rejected. Expected instants are worked out from the
// zones' published rules, not from the code.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "value/timestamp.hpp"
#include "value/zone.hpp"

namespace {

using sluice::AmbiguousTime;
using sluice::LocalTimeResolver;
using sluice::LocalZone;

// Seconds since 1970-01-01 00:00:00 of a civil date-time: Unix seconds when the clock is UTC, the local
// seconds LocalZone takes otherwise.
std::int64_t civil(int year, unsigned month, unsigned day, int hour, int minute = 0, int second = 0) {
  return sluice::days_from_civil(year, month, day) * 86'400 + hour * 3'600 + minute * 60 + second;
}

LocalZone zone(std::string_view name, AmbiguousTime ambiguous = AmbiguousTime::earliest) {
  std::optional<LocalZone> loaded = LocalZone::iana(name, ambiguous);
  REQUIRE_MESSAGE(loaded, "the system tz database lacks " << name);
  return *loaded;
}

constexpr std::int64_t kRejected = INT64_MIN;

// The Unix seconds of a local time, or kRejected. Checks that the uncached lookup, a fresh resolver and the
// ISO-8601 parser (naive text on the zone's clock) agree.
std::int64_t at(const LocalZone& local_zone, int year, unsigned month, unsigned day, int hour, int minute = 0,
                int second = 0) {
  const std::int64_t local = civil(year, month, day, hour, minute, second);
  std::int64_t direct = 0;
  const std::int64_t from_zone = local_zone.to_unix_seconds(local, direct) ? direct : kRejected;
  LocalTimeResolver resolver(local_zone);
  std::int64_t resolved = 0;
  CHECK((resolver.to_unix_seconds(local, resolved) ? resolved : kRejected) == from_zone);
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d:%02d", year, month, day, hour, minute, second);
  LocalTimeResolver parser_zone(local_zone);
  std::int64_t micros = 0;
  CHECK((sluice::parse_iso8601(text, parser_zone, micros) ? micros / sluice::kMicrosPerSecond : kRejected) ==
        from_zone);
  return from_zone;
}

}  // namespace

TEST_CASE("zone: Europe/Berlin, spring forward on 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC)") {
  const LocalZone berlin = zone("Europe/Berlin");
  CHECK(at(berlin, 2026, 1, 15, 12) == civil(2026, 1, 15, 11));  // CET, +01:00
  CHECK(at(berlin, 2026, 3, 29, 1, 59, 59) == civil(2026, 3, 29, 0, 59, 59));
  CHECK(at(berlin, 2026, 3, 29, 2) == kRejected);  // the clocks skip 02:00..02:59:59
  CHECK(at(berlin, 2026, 3, 29, 2, 30) == kRejected);
  CHECK(at(berlin, 2026, 3, 29, 2, 59, 59) == kRejected);
  CHECK(at(berlin, 2026, 3, 29, 3) == civil(2026, 3, 29, 1));  // CEST, +02:00
  CHECK(at(berlin, 2026, 7, 1, 12) == civil(2026, 7, 1, 10));
}

TEST_CASE("zone: Europe/Berlin, fall back on 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC)") {
  const LocalZone earliest = zone("Europe/Berlin");
  const LocalZone latest = zone("Europe/Berlin", AmbiguousTime::latest);
  const LocalZone reject = zone("Europe/Berlin", AmbiguousTime::reject);
  for (const LocalZone* berlin : {&earliest, &latest, &reject}) {
    CHECK(at(*berlin, 2026, 10, 25, 1, 59, 59) == civil(2026, 10, 24, 23, 59, 59));  // CEST only
    CHECK(at(*berlin, 2026, 10, 25, 3) == civil(2026, 10, 25, 2));                   // CET only
    CHECK(at(*berlin, 2026, 12, 31, 23, 59, 59) == civil(2026, 12, 31, 22, 59, 59));
  }
  // 02:00..02:59:59 happen twice: first in CEST (+02:00), then in CET (+01:00).
  CHECK(at(earliest, 2026, 10, 25, 2) == civil(2026, 10, 25, 0));
  CHECK(at(earliest, 2026, 10, 25, 2, 59, 59) == civil(2026, 10, 25, 0, 59, 59));
  CHECK(at(latest, 2026, 10, 25, 2) == civil(2026, 10, 25, 1));
  CHECK(at(latest, 2026, 10, 25, 2, 59, 59) == civil(2026, 10, 25, 1, 59, 59));
  CHECK(at(reject, 2026, 10, 25, 2) == kRejected);
  CHECK(at(reject, 2026, 10, 25, 2, 30) == kRejected);
  CHECK(at(reject, 2026, 10, 25, 2, 59, 59) == kRejected);
}

TEST_CASE("zone: America/New_York, 2026-03-08 02:00 EST -> 03:00 EDT and 2026-11-01 02:00 EDT -> 01:00 EST") {
  const LocalZone earliest = zone("America/New_York");
  const LocalZone latest = zone("America/New_York", AmbiguousTime::latest);
  const LocalZone reject = zone("America/New_York", AmbiguousTime::reject);
  CHECK(at(earliest, 2026, 3, 8, 1, 59, 59) == civil(2026, 3, 8, 6, 59, 59));  // EST, -05:00
  CHECK(at(earliest, 2026, 3, 8, 2) == kRejected);
  CHECK(at(earliest, 2026, 3, 8, 2, 59, 59) == kRejected);
  CHECK(at(earliest, 2026, 3, 8, 3) == civil(2026, 3, 8, 7));  // EDT, -04:00
  CHECK(at(latest, 2026, 3, 8, 2, 30) == kRejected);           // a skipped time is rejected whatever the rule

  CHECK(at(earliest, 2026, 11, 1, 0, 59, 59) == civil(2026, 11, 1, 4, 59, 59));
  CHECK(at(earliest, 2026, 11, 1, 1) == civil(2026, 11, 1, 5));  // first 01:00, EDT
  CHECK(at(earliest, 2026, 11, 1, 1, 59, 59) == civil(2026, 11, 1, 5, 59, 59));
  CHECK(at(latest, 2026, 11, 1, 1) == civil(2026, 11, 1, 6));  // second 01:00, EST
  CHECK(at(latest, 2026, 11, 1, 1, 59, 59) == civil(2026, 11, 1, 6, 59, 59));
  CHECK(at(reject, 2026, 11, 1, 1, 30) == kRejected);
  CHECK(at(reject, 2026, 11, 1, 0, 59, 59) == civil(2026, 11, 1, 4, 59, 59));
  CHECK(at(reject, 2026, 11, 1, 2) == civil(2026, 11, 1, 7));  // EST
}

TEST_CASE("zone: Australia/Sydney, 2026-04-05 03:00 AEDT -> 02:00 AEST and 2026-10-04 02:00 AEST -> 03:00 AEDT") {
  const LocalZone earliest = zone("Australia/Sydney");
  const LocalZone latest = zone("Australia/Sydney", AmbiguousTime::latest);
  const LocalZone reject = zone("Australia/Sydney", AmbiguousTime::reject);
  // Autumn is in April: 02:00..02:59:59 repeat, first in AEDT (+11:00), then in AEST (+10:00).
  CHECK(at(earliest, 2026, 1, 15, 12) == civil(2026, 1, 15, 1));  // AEDT in January
  CHECK(at(earliest, 2026, 4, 5, 1, 59, 59) == civil(2026, 4, 4, 14, 59, 59));
  CHECK(at(earliest, 2026, 4, 5, 2) == civil(2026, 4, 4, 15));
  CHECK(at(latest, 2026, 4, 5, 2) == civil(2026, 4, 4, 16));
  CHECK(at(latest, 2026, 4, 5, 2, 59, 59) == civil(2026, 4, 4, 16, 59, 59));
  CHECK(at(reject, 2026, 4, 5, 2, 30) == kRejected);
  CHECK(at(reject, 2026, 4, 5, 3) == civil(2026, 4, 4, 17));  // AEST
  // Spring is in October: 02:00..02:59:59 are skipped.
  CHECK(at(earliest, 2026, 10, 4, 1, 59, 59) == civil(2026, 10, 3, 15, 59, 59));
  CHECK(at(earliest, 2026, 10, 4, 2) == kRejected);
  CHECK(at(latest, 2026, 10, 4, 2, 59, 59) == kRejected);
  CHECK(at(earliest, 2026, 10, 4, 3) == civil(2026, 10, 3, 16));  // AEDT
}

TEST_CASE("zone: a half-hour change (Australia/Lord_Howe) and a zone without DST (Asia/Kolkata)") {
  // Lord Howe Island moves its clocks by 30 minutes: 02:00 -> 02:30 (+10:30 -> +11:00) on 2026-10-04.
  const LocalZone lord_howe = zone("Australia/Lord_Howe");
  CHECK(at(lord_howe, 2026, 10, 4, 1, 59, 59) == civil(2026, 10, 3, 15, 29, 59));
  CHECK(at(lord_howe, 2026, 10, 4, 2, 15) == kRejected);
  CHECK(at(lord_howe, 2026, 10, 4, 2, 30) == civil(2026, 10, 3, 15, 30));
  const LocalZone kolkata = zone("Asia/Kolkata");
  CHECK(at(kolkata, 2026, 3, 29, 2, 30) == civil(2026, 3, 28, 21));
  CHECK(at(kolkata, 2026, 10, 25, 2, 30) == civil(2026, 10, 24, 21));
}

TEST_CASE("zone: fractions and explicit offsets in the text") {
  const LocalZone berlin = zone("Europe/Berlin", AmbiguousTime::reject);
  LocalTimeResolver resolver(berlin);
  std::int64_t micros = 0;
  CHECK(sluice::parse_iso8601("2026-07-01T12:00:00.25", resolver, micros));
  CHECK(micros == civil(2026, 7, 1, 10) * sluice::kMicrosPerSecond + 250'000);
  // A time with its own offset keeps it, even inside the skipped or the repeated hour of the zone.
  CHECK(sluice::parse_iso8601("2026-07-01T12:00:00Z", resolver, micros));
  CHECK(micros == civil(2026, 7, 1, 12) * sluice::kMicrosPerSecond);
  CHECK(sluice::parse_iso8601("2026-03-29T02:30:00+01:00", resolver, micros));
  CHECK(micros == civil(2026, 3, 29, 1, 30) * sluice::kMicrosPerSecond);
  CHECK(sluice::parse_iso8601("2026-10-25T02:30:00+01:00", resolver, micros));
  CHECK(micros == civil(2026, 10, 25, 1, 30) * sluice::kMicrosPerSecond);
  // Patterns: without %z on the zone's clock, with %z at the text's offset.
  CHECK(sluice::parse_pattern("25/10/2026 03.00.00", "%d/%m/%Y %H.%M.%S", resolver, micros));
  CHECK(micros == civil(2026, 10, 25, 2) * sluice::kMicrosPerSecond);
  CHECK_FALSE(sluice::parse_pattern("29/03/2026 02.30.00", "%d/%m/%Y %H.%M.%S", resolver, micros));
  CHECK_FALSE(sluice::parse_pattern("25/10/2026 02.30.00", "%d/%m/%Y %H.%M.%S", resolver, micros));
  CHECK(sluice::parse_pattern("29/03/2026 02.30.00 +0100", "%d/%m/%Y %H.%M.%S %z", resolver, micros));
  CHECK(micros == civil(2026, 3, 29, 1, 30) * sluice::kMicrosPerSecond);
}

TEST_CASE("zone: names that are not IANA zones of the tz database are refused") {
  CHECK(LocalZone::iana("Europe/Berlin"));
  CHECK(LocalZone::iana("America/Port-au-Prince"));
  CHECK(LocalZone::iana("Etc/GMT+5"));
  for (std::string_view name : {"", "Nowhere/Foo", "Europe/Berln", "Europe/", "/Europe/Berlin", "/etc/localtime",
                                "../zoneinfo/Europe/Berlin", "Europe/../Europe/Berlin", "Europe//Berlin", "localtime",
                                "Fixed/UTC+01:00:00", "Europe/Berlin ", "zone.tab", "Europe", "+01:00"})
    CHECK_MESSAGE(!LocalZone::iana(name), name);
  CHECK(sluice::tz_database_available());
}

TEST_CASE("zone: Etc/GMT+5 is five hours west (POSIX sign), fixed zones never skip or repeat") {
  const LocalZone gmt_plus_5 = zone("Etc/GMT+5");
  CHECK(at(gmt_plus_5, 2026, 3, 29, 2, 30) == civil(2026, 3, 29, 7, 30));
  const LocalZone plus_two = LocalZone::fixed(7'200);
  CHECK(plus_two.is_fixed());
  CHECK(at(plus_two, 2026, 3, 29, 2, 30) == civil(2026, 3, 29, 0, 30));
  CHECK(at(plus_two, 2026, 10, 25, 2, 30) == civil(2026, 10, 25, 0, 30));
}

// The resolver answers from the span around its last lookup; it must agree with a plain lookup for every
// time, in file order, backwards and jumping between seasons, at every second around each transition.
TEST_CASE("zone: the resolver's cached spans agree with uncached lookups") {
  const AmbiguousTime rules[] = {AmbiguousTime::earliest, AmbiguousTime::latest, AmbiguousTime::reject};
  for (std::string_view name :
       {"Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"}) {
    for (AmbiguousTime rule : rules) {
      const LocalZone local_zone = zone(name, rule);
      std::vector<std::int64_t> times;
      for (int year : {1960, 2026, 2038, 2400})
        for (std::int64_t t = civil(year, 1, 1, 0); t < civil(year + 1, 1, 1, 0); t += 20 * 60) times.push_back(t);
      for (std::int64_t t = civil(2026, 3, 29, 1, 58); t < civil(2026, 3, 29, 3, 2); ++t) times.push_back(t);
      for (std::int64_t t = civil(2026, 10, 25, 1, 58); t < civil(2026, 10, 25, 3, 2); ++t) times.push_back(t);
      const std::size_t forward = times.size();
      for (std::size_t i = forward; i-- > 0;) times.push_back(times[i]);                               // backwards
      for (std::size_t i = 0; i + 1 < forward; i += 97) times.push_back(times[(i * 7919) % forward]);  // jumps
      LocalTimeResolver resolver(local_zone);
      std::size_t mismatches = 0;
      for (std::int64_t t : times) {
        std::int64_t cached = 0, direct = 0;
        const bool cached_ok = resolver.to_unix_seconds(t, cached);
        const bool direct_ok = local_zone.to_unix_seconds(t, direct);
        if (cached_ok != direct_ok || (direct_ok && cached != direct)) ++mismatches;
      }
      CHECK_MESSAGE(mismatches == 0, name << " " << sluice::to_string(rule));
    }
  }
}
