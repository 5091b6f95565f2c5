#include "fetch/decompress.hpp"

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

#include <memory>

#include "core/errors.hpp"

namespace sluice {
namespace {

constexpr std::size_t kChunk = 1 << 20;

void grow(std::string& out, std::size_t used, std::uint64_t max_bytes, std::string_view format) {
  if (used < out.size()) return;
  if (used >= max_bytes)
    throw FileError(
        fmt::format("{} content exceeds --max-file-bytes ({} bytes) after decompression", format, max_bytes));
  out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(max_bytes, out.size() * 2 + kChunk)));
}

std::string gunzip(const std::string& in, std::uint64_t max_bytes) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) throw FileError("gzip: cannot initialise zlib");
  std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&stream, &inflateEnd);
  std::string out;
  std::size_t used = 0;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  stream.avail_in = static_cast<uInt>(in.size());
  while (true) {
    grow(out, used, max_bytes, "gzip");
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size() - used, 1u << 30));
    const uInt before = stream.avail_out;
    const int status = inflate(&stream, Z_NO_FLUSH);
    used += before - stream.avail_out;
    if (status == Z_STREAM_END) {
      if (stream.avail_in == 0) break;
      inflateReset(&stream);  // concatenated gzip members
      continue;
    }
    if (status == Z_BUF_ERROR && stream.avail_in == 0)
      throw FileError("gzip: truncated stream (unexpected end of data)");
    if (status != Z_OK && status != Z_BUF_ERROR)
      throw FileError(fmt::format("gzip: corrupt stream ({})", stream.msg ? stream.msg : "inflate failed"));
  }
  out.resize(used);
  return out;
}

std::string unzstd(const std::string& in, std::uint64_t max_bytes) {
  std::unique_ptr<ZSTD_DStream, decltype(&ZSTD_freeDStream)> stream(ZSTD_createDStream(), &ZSTD_freeDStream);
  if (!stream) throw FileError("zstd: cannot create a decompression stream");
  std::string out;
  std::size_t used = 0;
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::size_t hint = 1;
  while (input.pos < input.size || hint == 0) {
    grow(out, used, max_bytes, "zstd");
    ZSTD_outBuffer output{out.data() + used, out.size() - used, 0};
    hint = ZSTD_decompressStream(stream.get(), &output, &input);
    used += output.pos;
    if (ZSTD_isError(hint)) throw FileError(fmt::format("zstd: corrupt stream ({})", ZSTD_getErrorName(hint)));
    if (hint == 0 && input.pos == input.size) break;
    if (output.pos == 0 && input.pos == input.size && used < out.size()) break;
  }
  if (hint != 0) throw FileError("zstd: truncated stream (unexpected end of data)");
  out.resize(used);
  return out;
}

}  // namespace

Compression detect_compression(std::string_view bytes) {
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F && static_cast<unsigned char>(bytes[1]) == 0x8B)
    return Compression::gzip;
  if (bytes.size() >= 4 && bytes.substr(0, 4) == std::string_view("\x28\xB5\x2F\xFD", 4)) return Compression::zstd;
  return Compression::none;
}

std::string decompress(std::string bytes, std::uint64_t max_bytes) {
  switch (detect_compression(bytes)) {
    case Compression::gzip: return gunzip(bytes, max_bytes);
    case Compression::zstd: return unzstd(bytes, max_bytes);
    case Compression::none: break;
  }
  if (bytes.size() > max_bytes)
    throw FileError(fmt::format("file of {} bytes exceeds --max-file-bytes ({})", bytes.size(), max_bytes));
  return bytes;
}

}  // namespace sluice
