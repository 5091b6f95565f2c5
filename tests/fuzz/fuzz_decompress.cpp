// libFuzzer target: gzip/zstd detection and decompression (lib/fetch/decompress.hpp) with a 1 MiB bound.
// Checks that the bound holds and that bytes without a compression magic come back unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/errors.hpp"
#include "fetch/decompress.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::uint64_t kMaxBytes = 1 << 20;
  std::string input(reinterpret_cast<const char*>(data), size);
  const bool compressed = sluice::detect_compression(input) != sluice::Compression::none;
  std::string output;
  try {
    output = sluice::decompress(input, kMaxBytes);
  } catch (const sluice::FileError&) {
    return 0;  // corrupt, truncated or over the bound: an expected outcome
  }
  if (output.size() > kMaxBytes) __builtin_trap();
  if (!compressed && output != input) __builtin_trap();
  return 0;
}
