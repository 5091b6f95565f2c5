#pragma once
// A hash of a uri that is the same on every platform, compiler and run: shards and advisory locks
// depend on it, so it must never change. FNV-1a, 64-bit, over the uri's bytes.
#include <cstdint>
#include <string_view>

namespace sluice {

constexpr std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t hash = 0xcbf29ce484222325ull;  // FNV offset basis
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ull;  // FNV prime
  }
  return hash;
}

}  // namespace sluice
