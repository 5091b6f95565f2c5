// IsoDayCache (lib/parse/iso_day_cache.hpp): the cached-date fast path gives parse_iso8601's answer or
// none, never another one.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

#include "parse/iso_day_cache.hpp"
#include "value/timestamp.hpp"

using sluice::IsoDayCache;

TEST_CASE("iso_day_cache: a hit equals parse_iso8601; other layouts and dates miss") {
  IsoDayCache cache;
  std::int64_t micros = 0, expected = 0;
  CHECK_FALSE(cache.lookup("2026-03-01T10:00:00Z", micros));  // nothing cached yet
  REQUIRE(sluice::parse_iso8601("2026-03-01T10:00:00Z", expected));
  cache.remember("2026-03-01T10:00:00Z", expected);
  for (const char* text :
       {"2026-03-01T00:00:00Z", "2026-03-01T23:59:59Z", "2026-03-01 12:34:56Z", "2026-03-01t07:08:09z"}) {
    INFO(text);
    REQUIRE(cache.lookup(text, micros));
    REQUIRE(sluice::parse_iso8601(text, expected));
    CHECK(micros == expected);
  }
  for (const char* text :
       {"2026-03-02T10:00:00Z", "2026-03-01T24:00:00Z", "2026-03-01T10:60:00Z", "2026-03-01T10:00:60Z",
        "2026-03-01T10:00:00.5Z", "2026-03-01T10:00:00+01:00", " 2026-03-01T10:00:00Z", "2026-03-01T1a:00:00Z",
        "2026-03-01X10:00:00Z", "2026-03-01T10-00:00Z", "2026-03-01T10:00:00"}) {
    INFO(text);
    CHECK_FALSE(cache.lookup(text, micros));
  }
}

TEST_CASE("iso_day_cache: random timestamps, valid and not, never disagree with parse_iso8601") {
  std::mt19937_64 random(7);
  IsoDayCache cache;
  const std::string digits = "0123456789";
  for (int i = 0; i < 200'000; ++i) {
    char text[32];
    std::snprintf(text, sizeof text, "2026-%02d-%02dT%02d:%02d:%02dZ", 1 + static_cast<int>(random() % 12),
                  1 + static_cast<int>(random() % 3), static_cast<int>(random() % 26), static_cast<int>(random() % 62),
                  static_cast<int>(random() % 62));
    std::string mutated(text);
    if (random() % 10 == 0) mutated[random() % mutated.size()] = digits[random() % 10];
    std::int64_t fast = 0, slow = 0;
    const bool valid = sluice::parse_iso8601(mutated, slow);
    if (cache.lookup(mutated, fast)) {
      INFO(mutated);
      REQUIRE(valid);
      REQUIRE(fast == slow);
    } else if (valid) {
      cache.remember(mutated, slow);
    }
  }
}
