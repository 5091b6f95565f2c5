// libFuzzer target: the JSON config parser (--config). A mistake must be a UsageError, nothing else.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"
#include "core/errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const sluice::Config config =
        sluice::parse_config(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    if (config.columns.empty() || config.timestamp_column >= config.columns.size() ||
        config.sensor_column >= config.columns.size())
      __builtin_trap();
  } catch (const sluice::UsageError&) {
  }
  return 0;
}
