// decompress (lib/fetch/decompress.hpp): gzip and zstd by magic bytes, truncation, corruption and bombs.
#include <doctest/doctest.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "core/errors.hpp"
#include "fetch/decompress.hpp"

namespace {

using sluice::Compression;
using sluice::decompress;
using sluice::detect_compression;
using sluice::FileError;

constexpr std::uint64_t kNoLimit = 1ull << 40;

std::string gzip(std::string_view plain, int level = Z_DEFAULT_COMPRESSION) {
  z_stream stream{};
  REQUIRE(deflateInit2(&stream, level, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&stream, static_cast<uLong>(plain.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  stream.avail_in = static_cast<uInt>(plain.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int status = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  REQUIRE(status == Z_STREAM_END);
  return out;
}

std::string zstd(std::string_view plain, bool checksum = false) {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  REQUIRE(context != nullptr);
  ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, 3);
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, checksum ? 1 : 0);
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  const std::size_t size = ZSTD_compress2(context, out.data(), out.size(), plain.data(), plain.size());
  ZSTD_freeCCtx(context);
  REQUIRE_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

std::string zstd_simple(std::string_view plain) {
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  const std::size_t size = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3);
  REQUIRE_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

// CSV-like text that compresses, but not to nothing.
std::string sample_csv(std::size_t bytes, unsigned seed = 7) {
  std::mt19937 rng(seed);
  std::string out = "ts,sensor_id,temperature,humidity,pressure,battery\n";
  while (out.size() < bytes) {
    out += "2026-01-01T00:" + std::to_string(rng() % 60) + ":00Z,sensor-" + std::to_string(rng() % 1000) + "," +
           std::to_string(static_cast<int>(rng() % 2000) - 500) + "." + std::to_string(rng() % 100) + ",,1013," +
           std::to_string(rng() % 5) + "\n";
  }
  out.resize(bytes);
  return out;
}

}  // namespace

TEST_CASE("decompress: detection by magic bytes") {
  CHECK(detect_compression(gzip("hello")) == Compression::gzip);
  CHECK(detect_compression(zstd("hello")) == Compression::zstd);
  CHECK(detect_compression(std::string_view("\x1f\x8b", 2)) == Compression::gzip);
  CHECK(detect_compression(std::string_view("\x28\xb5\x2f\xfd", 4)) == Compression::zstd);
  CHECK(detect_compression(std::string_view("\x28\xb5\x2f", 3)) == Compression::none);
  CHECK(detect_compression(std::string_view("\x1f", 1)) == Compression::none);
  CHECK(detect_compression("") == Compression::none);
  CHECK(detect_compression("ts,sensor_id\n") == Compression::none);
  CHECK(detect_compression(std::string_view("\x8b\x1f", 2)) == Compression::none);
}

TEST_CASE("decompress: plain text is returned as is") {
  CHECK(decompress("ts,sensor_id\n1,2\n", kNoLimit) == "ts,sensor_id\n1,2\n");
  CHECK(decompress("", kNoLimit) == "");
  const std::string binary("\x00\x01\x02\xff", 4);
  CHECK(decompress(binary, kNoLimit) == binary);
  CHECK(decompress("12345", 5) == "12345");
  CHECK_THROWS_AS(decompress("123456", 5), FileError);
}

TEST_CASE("decompress: gzip round trip") {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{(1u << 20) - 1},
                           std::size_t{1u << 20}, std::size_t{(1u << 20) + 100'000}, std::size_t{5u << 20}}) {
    INFO("size " << size);
    const std::string plain = sample_csv(size);
    const std::string packed = gzip(plain);
    const std::string unpacked = decompress(packed, kNoLimit);
    CHECK(unpacked.size() == plain.size());
    CHECK(unpacked == plain);
  }
  CHECK(decompress(gzip("a", 0), kNoLimit) == "a");  // stored (level 0) block
  CHECK(decompress(gzip(sample_csv(3u << 20), 0), kNoLimit) == sample_csv(3u << 20));
}

TEST_CASE("decompress: zstd round trip, small") {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{100'000}}) {
    INFO("size " << size);
    const std::string plain = sample_csv(size);
    CHECK(decompress(zstd(plain), kNoLimit) == plain);
    CHECK(decompress(zstd(plain, true), kNoLimit) == plain);
    CHECK(decompress(zstd_simple(plain), kNoLimit) == plain);
  }
}

// Larger than the first 1 MiB output buffer: the output grows while zstd still holds decoded data.
TEST_CASE("decompress: zstd round trip, larger than the first 1 MiB output buffer") {
  for (std::size_t size : {std::size_t{(1u << 20) + 100'000}, std::size_t{5u << 20}, std::size_t{20u << 20}}) {
    INFO("size " << size);
    const std::string plain = sample_csv(size);
    std::string unpacked;
    CHECK_NOTHROW(unpacked = decompress(zstd_simple(plain), kNoLimit));
    CHECK(unpacked == plain);
  }
}

TEST_CASE("decompress: concatenated gzip members") {
  CHECK(decompress(gzip("hello ") + gzip("world"), kNoLimit) == "hello world");
  CHECK(decompress(gzip("a") + gzip("") + gzip("b\n"), kNoLimit) == "ab\n");
  const std::string big = sample_csv(2u << 20);
  CHECK(decompress(gzip(big) + gzip("tail\n"), kNoLimit) == big + "tail\n");
}

TEST_CASE("decompress: concatenated zstd frames") {
  CHECK(decompress(zstd("hello ") + zstd("world"), kNoLimit) == "hello world");
}

TEST_CASE("decompress: truncated gzip throws FileError") {
  const std::string plain = sample_csv(200'000);
  const std::string packed = gzip(plain);
  CHECK_THROWS_WITH_AS(decompress(packed.substr(0, packed.size() - 4), kNoLimit), doctest::Contains("gzip"),
                       FileError);  // trailer cut
  CHECK_THROWS_AS(decompress(packed.substr(0, packed.size() / 2), kNoLimit), FileError);
  CHECK_THROWS_AS(decompress(packed.substr(0, 10), kNoLimit), FileError);  // header only
  CHECK_THROWS_AS(decompress(packed.substr(0, 2), kNoLimit), FileError);   // magic only
  CHECK_THROWS_AS(decompress(gzip("").substr(0, 12), kNoLimit), FileError);
}

TEST_CASE("decompress: truncated zstd throws FileError") {
  const std::string plain = sample_csv(200'000);
  const std::string packed = zstd(plain);
  CHECK_THROWS_WITH_AS(decompress(packed.substr(0, packed.size() - 1), kNoLimit), doctest::Contains("zstd"), FileError);
  CHECK_THROWS_AS(decompress(packed.substr(0, packed.size() / 2), kNoLimit), FileError);
  CHECK_THROWS_AS(decompress(packed.substr(0, 6), kNoLimit), FileError);
  CHECK_THROWS_AS(decompress(packed.substr(0, 4), kNoLimit), FileError);
  const std::string with_checksum = zstd(plain, true);
  CHECK_THROWS_AS(decompress(with_checksum.substr(0, with_checksum.size() - 2), kNoLimit), FileError);
}

TEST_CASE("decompress: corrupt gzip throws FileError") {
  const std::string plain = sample_csv(100'000);
  std::string packed = gzip(plain);
  SUBCASE("a bad CRC32 in the trailer") {
    packed[packed.size() - 8] = static_cast<char>(packed[packed.size() - 8] ^ 0x55);
    CHECK_THROWS_WITH_AS(decompress(packed, kNoLimit), doctest::Contains("corrupt"), FileError);
  }
  SUBCASE("a bad length in the trailer") {
    packed[packed.size() - 1] = static_cast<char>(packed[packed.size() - 1] ^ 0x01);
    CHECK_THROWS_AS(decompress(packed, kNoLimit), FileError);
  }
  SUBCASE("bytes overwritten in the deflate data") {
    for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 16; ++i) packed[i] = '\xff';
    CHECK_THROWS_AS(decompress(packed, kNoLimit), FileError);
  }
  SUBCASE("a bad compression method in the header") {
    packed[2] = 7;
    CHECK_THROWS_AS(decompress(packed, kNoLimit), FileError);
  }
  SUBCASE("garbage after a member") {
    packed += "garbage after the member";
    CHECK_THROWS_AS(decompress(packed, kNoLimit), FileError);
  }
}

TEST_CASE("decompress: corrupt zstd throws FileError") {
  const std::string plain = sample_csv(100'000);
  SUBCASE("a bad content checksum") {
    std::string packed = zstd(plain, true);
    packed[packed.size() - 1] = static_cast<char>(packed[packed.size() - 1] ^ 0x55);
    CHECK_THROWS_WITH_AS(decompress(packed, kNoLimit), doctest::Contains("corrupt"), FileError);
  }
  SUBCASE("a bad frame header") {
    std::string packed = zstd(plain);
    for (std::size_t i = 4; i < 12; ++i) packed[i] = '\xff';
    CHECK_THROWS_AS(decompress(packed, kNoLimit), FileError);
  }
  SUBCASE("magic bytes and then nonsense") {
    CHECK_THROWS_AS(decompress(std::string("\x28\xb5\x2f\xfd", 4) + std::string(64, '\xff'), kNoLimit), FileError);
  }
}

TEST_CASE("decompress: a bomb over max_bytes throws FileError") {
  const std::string zeros(50u << 20, '\0');
  const std::uint64_t limit = 1u << 20;
  const std::string gz = gzip(zeros, 9);
  CHECK(gz.size() < 100'000);
  CHECK_THROWS_WITH_AS(decompress(gz, limit), doctest::Contains("exceeds"), FileError);
  const std::string zs = zstd_simple(zeros);
  CHECK(zs.size() < 100'000);
  CHECK_THROWS_WITH_AS(decompress(zs, limit), doctest::Contains("exceeds"), FileError);
}

TEST_CASE("decompress: max_bytes boundary") {
  const std::string plain = sample_csv(300'000);
  CHECK(decompress(gzip(plain), plain.size()) == plain);
  CHECK_THROWS_AS(decompress(gzip(plain), plain.size() - 1), FileError);
  CHECK(decompress(zstd(plain), plain.size()) == plain);
  CHECK_THROWS_AS(decompress(zstd(plain), plain.size() - 1), FileError);
  // Past the first output buffer, where the buffer grows up to exactly max_bytes.
  const std::string large = sample_csv(3u << 20, 11);
  CHECK(decompress(gzip(large), large.size()) == large);
  CHECK_THROWS_AS(decompress(gzip(large), large.size() - 1), FileError);
  CHECK(decompress(zstd_simple(large), large.size()) == large);
  CHECK_THROWS_AS(decompress(zstd_simple(large), large.size() - 1), FileError);
}
