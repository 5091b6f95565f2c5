// Shards (lib/core/stable_hash.hpp, lib/pipeline/unit_planner.hpp): FNV-1a 64 and --shard I/N.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/stable_hash.hpp"
#include "pipeline/unit_planner.hpp"

namespace {

using sluice::parse_shard;
using sluice::stable_hash;

// Realistic uris: an S3 layout by day and sensor, and local paths.
std::vector<std::string> generated_uris(std::size_t count) {
  std::vector<std::string> uris;
  uris.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 2 == 0)
      uris.push_back("s3://sensor-bucket/raw/2026/" + std::to_string(1 + i % 12) + "/" + std::to_string(1 + i % 28) +
                     "/sensor-" + std::to_string(i) + ".csv.gz");
    else
      uris.push_back("/data/incoming/batch-" + std::to_string(i / 100) + "/file-" + std::to_string(i) + ".csv");
  }
  return uris;
}

}  // namespace

TEST_CASE("shard: stable_hash is FNV-1a 64") {
  CHECK(stable_hash("") == 0xcbf29ce484222325ull);
  CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cull);
  CHECK(stable_hash("foobar") == 0x85944171f73967e8ull);
  static_assert(stable_hash("a") == 0xaf63dc4c8601ec8cull, "usable at compile time");
  // Bytes are hashed unsigned: a high byte must not be sign-extended.
  CHECK(stable_hash("\xff") == ((0xcbf29ce484222325ull ^ 0xffull) * 0x100000001b3ull));
  CHECK(stable_hash("ab") != stable_hash("ba"));
}

TEST_CASE("shard: parse_shard accepts I/N with 0 <= I < N") {
  sluice::Shard shard = parse_shard("0/1");
  CHECK(shard.index == 0);
  CHECK(shard.count == 1);
  shard = parse_shard("2/3");
  CHECK(shard.index == 2);
  CHECK(shard.count == 3);
  shard = parse_shard("15/16");
  CHECK(shard.index == 15);
  CHECK(shard.count == 16);
}

TEST_CASE("shard: parse_shard rejects anything else with UsageError") {
  for (const char* text : {"3/3", "4/3", "-1/2", "1/0", "0/0", "a/b", "1", "", "/", "1/", "/2", "1/2/3", " 1/2", "1/2 ",
                           "+1/2", "1/-2", "0x1/2", "1.0/2", "1/99999999999999999999999"}) {
    INFO("text = '" << text << "'");
    CHECK_THROWS_AS(parse_shard(text), sluice::UsageError);
  }
  CHECK_THROWS_WITH_AS(parse_shard("3/3"), doctest::Contains("expected I/N with 0 <= I < N"), sluice::UsageError);
}

TEST_CASE("shard: owns is stable_hash(uri) % N == I") {
  const sluice::Shard shard = parse_shard("1/3");
  for (const std::string& uri : generated_uris(300)) CHECK(shard.owns(uri) == (stable_hash(uri) % 3 == 1));
  CHECK(parse_shard("0/1").owns("anything"));
  CHECK(parse_shard("0/1").owns(""));
}

TEST_CASE("shard: every uri in exactly one shard, shards balanced within 20%") {
  const std::vector<std::string> uris = generated_uris(10'000);
  for (std::uint64_t count : {1u, 3u, 7u}) {
    INFO("N = " << count);
    std::vector<sluice::Shard> shards;
    for (std::uint64_t index = 0; index < count; ++index)
      shards.push_back(parse_shard(std::to_string(index) + "/" + std::to_string(count)));
    std::vector<std::size_t> per_shard(count, 0);
    std::size_t not_exactly_one = 0;
    for (const std::string& uri : uris) {
      int owners = 0;
      for (std::uint64_t index = 0; index < count; ++index) {
        if (shards[index].owns(uri)) {
          ++owners;
          ++per_shard[index];
        }
      }
      if (owners != 1) ++not_exactly_one;
    }
    CHECK(not_exactly_one == 0);
    const double expected = static_cast<double>(uris.size()) / static_cast<double>(count);
    for (std::uint64_t index = 0; index < count; ++index) {
      INFO("shard " << index << " has " << per_shard[index]);
      CHECK(static_cast<double>(per_shard[index]) >= 0.8 * expected);
      CHECK(static_cast<double>(per_shard[index]) <= 1.2 * expected);
    }
  }
}
