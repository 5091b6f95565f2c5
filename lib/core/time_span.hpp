#pragma once
// Ranges of UTC time, and the coarse ranges a file's hours are kept as (in its ledger row, and to find its
// readings again when it is replaced).
#include <algorithm>
#include <cstdint>
#include <vector>

namespace sluice {

/// A half-open range of UTC time, [begin, end), in Unix microseconds.
struct TimeSpan {
  std::int64_t begin_micros = 0, end_micros = 0;
  bool operator==(const TimeSpan&) const = default;
};

/// `spans` sorted and merged where they overlap or lie less than a day apart: fewer ranges to search, and a
/// time index is coarser than that anyway.
inline std::vector<TimeSpan> merged_spans(std::vector<TimeSpan> spans) {
  constexpr std::int64_t kDayMicros = 86'400'000'000;
  std::sort(spans.begin(), spans.end(),
            [](const TimeSpan& a, const TimeSpan& b) { return a.begin_micros < b.begin_micros; });
  std::vector<TimeSpan> out;
  for (const TimeSpan& span : spans) {
    if (!out.empty() && span.begin_micros - out.back().end_micros < kDayMicros)
      out.back().end_micros = std::max(out.back().end_micros, span.end_micros);
    else
      out.push_back(span);
  }
  return out;
}

}  // namespace sluice
