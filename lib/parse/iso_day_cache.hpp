#pragma once
// A fast path for the commonest timestamp text, `YYYY-MM-DDTHH:MM:SSZ`: a file's rows share one or a few
// dates, so the date part is parsed and checked once (by parse_iso8601) and remembered; a row with the
// same date then costs six digits and three range checks. Anything else — another layout, a fraction,
// an offset, blanks, a date not seen yet — goes through parse_iso8601 as before.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "value/timestamp.hpp"

namespace sluice {

class IsoDayCache {
 public:
  /// True when `text` has the cached layout and date: `micros` is then what parse_iso8601 gives.
  bool lookup(std::string_view text, std::int64_t& micros) const {
    if (!has_day_ || !fast_layout(text) || std::memcmp(text.data(), date_, 10) != 0) return false;
    std::int64_t seconds = 0;
    if (!time_of_day(text, seconds)) return false;
    micros = day_micros_ + seconds * kMicrosPerSecond;
    return true;
  }

  /// Remembers the date of `text`, which parse_iso8601 accepted as `micros`, if it has the cached layout.
  void remember(std::string_view text, std::int64_t micros) {
    std::int64_t seconds = 0;
    if (!fast_layout(text) || !time_of_day(text, seconds)) return;
    std::memcpy(date_, text.data(), 10);
    day_micros_ = micros - seconds * kMicrosPerSecond;
    has_day_ = true;
  }

 private:
  // Exactly `YYYY-MM-DD?HH:MM:SSZ` with the separator parse_iso8601 accepts: 'Z' makes the zone explicit,
  // so no default offset applies.
  static bool fast_layout(std::string_view text) {
    return text.size() == 20 && (text[19] == 'Z' || text[19] == 'z') &&
           (text[10] == 'T' || text[10] == 't' || text[10] == ' ') && text[13] == ':' && text[16] == ':';
  }
  static bool two_digits(const char* p, unsigned limit, unsigned& out) {
    const unsigned tens = static_cast<unsigned>(p[0] - '0'), ones = static_cast<unsigned>(p[1] - '0');
    out = tens * 10 + ones;
    return tens < 10 && ones < 10 && out <= limit;
  }
  static bool time_of_day(std::string_view text, std::int64_t& seconds) {
    unsigned hour = 0, minute = 0, second = 0;
    if (!two_digits(text.data() + 11, 23, hour) || !two_digits(text.data() + 14, 59, minute) ||
        !two_digits(text.data() + 17, 59, second))
      return false;
    seconds = hour * 3600 + minute * 60 + second;
    return true;
  }

  char date_[10] = {};
  std::int64_t day_micros_ = 0;
  bool has_day_ = false;
};

}  // namespace sluice
