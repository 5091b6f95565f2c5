// FileStream (lib/pipeline/file_stream.hpp) on a real file in the blocks layout: how often the readings gathered for
// blocks are written out, whatever --stream-bytes says, and where its blocks builder comes from and goes back to.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "config/config.hpp"
#include "core/file_ref.hpp"
#include "core/run_stats.hpp"
#include "parse/parsed_file.hpp"
#include "pipeline/buffer_pool.hpp"
#include "pipeline/file_stream.hpp"

namespace {

namespace fs = std::filesystem;

// A file in the default sensor format, in time order: `rows` readings of 50 sensors, one every second.
struct SensorFile {
  fs::path path = fs::temp_directory_path() / fmt::format("sluice_file_stream_{}.csv", ::getpid());
  explicit SensorFile(int rows) {
    std::ofstream out(path);
    out << "ts,sensor_id,temperature,humidity,pressure,battery\n";
    for (int i = 0; i < rows; ++i)
      out << fmt::format("2026-03-01T{:02}:{:02}:{:02}Z,s{:02},{}.5,50.5,1000.5,3.5\n", i / 3600 % 24, i / 60 % 60,
                         i % 60, i % 50, i % 40);
  }
  ~SensorFile() { fs::remove(path); }
  [[nodiscard]] sluice::FileRef ref() const { return sluice::FileRef::local(path.string(), fs::file_size(path), 0); }
};

struct Streamed {
  int mid_file_flushes = 0;  ///< hand-overs of blocks before the file's end was parsed
  std::int64_t rows_loaded = 0;
};

Streamed stream_all(sluice::FileStream& stream, sluice::ParsedFile& file) {
  Streamed out;
  stream.start(file);
  while (stream.next(file)) {
    if (!file.blocks.empty() && !stream.finished()) ++out.mid_file_flushes;
    if (stream.loose_rows_due(file)) file.hand_over_rows();
  }
  out.rows_loaded = file.rows_loaded();
  return out;
}

}  // namespace

TEST_CASE("file stream: blocks go out every kBlockFlushBytes of readings even when --stream-bytes is larger") {
  sluice::Config config = sluice::default_config();
  config.layout = sluice::StorageLayout::blocks;
  // ~60 bytes a reading waiting for its block: 200,000 readings take ~12 MB, three times the flush bound.
  constexpr int kRows = 200'000;
  const SensorFile csv(kRows);
  sluice::RunStats stats;
  sluice::ParsedFile file = sluice::ParsedFile::unparsed(csv.ref(), 1);
  sluice::FileStream stream(config, sluice::ParseLimits{}, 1ull << 30, 256ull << 20, stats);
  const Streamed streamed = stream_all(stream, file);
  CHECK(streamed.rows_loaded == kRows);
  CHECK(streamed.mid_file_flushes >= 2);
}

TEST_CASE("file stream: the blocks builder is taken from the pool and handed back when the stream ends") {
  sluice::Config config = sluice::default_config();
  config.layout = sluice::StorageLayout::blocks;
  const SensorFile csv(20'000);
  sluice::RunStats stats;
  sluice::BufferPool pool(1ull << 30);
  pool.give(std::make_unique<sluice::BlockBuilder>(config));
  {
    sluice::ParsedFile file = sluice::ParsedFile::unparsed(csv.ref(), 1);
    sluice::FileStream stream(config, sluice::ParseLimits{}, 1ull << 30, 16ull << 20, stats, {}, &pool);
    CHECK(stream_all(stream, file).rows_loaded == 20'000);
    CHECK(pool.take_builder() == nullptr);  // the stream holds the pool's only builder
    // Read again from the start (a retry), with the same builder.
    sluice::ParsedFile again = sluice::ParsedFile::unparsed(csv.ref(), 1);
    CHECK(stream_all(stream, again).rows_loaded == 20'000);
  }
  CHECK(pool.take_builder() != nullptr);
}
