#pragma once
// gzip and zstd, detected by their magic bytes (not by the file name).
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

enum class Compression { none, gzip, zstd };

/// The compression format `bytes` starts with.
Compression detect_compression(std::string_view bytes);

/// Decompressed content of `bytes` (returned as is when not compressed). Throws FileError for a
/// corrupt or truncated stream, or when the output would exceed `max_bytes` (a decompression bomb).
std::string decompress(std::string bytes, std::uint64_t max_bytes);

}  // namespace sluice
