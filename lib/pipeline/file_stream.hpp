#pragma once
// A local file too large to hold whole, read, decompressed and parsed a piece at a time (RowStream): memory
// stays at about one piece of text and its COPY rows, the aggregates up to kStreamAggregateBytes (blocks layout:
// also the readings gathered for blocks, up to kBlockFlushBytes), whatever the file's size.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "config/config.hpp"
#include "core/run_stats.hpp"
#include "fetch/byte_stream.hpp"
#include "parse/file_parser.hpp"
#include "pipeline/buffer_pool.hpp"
#include "pipeline/unit_sink.hpp"

namespace sluice {

/// Input read per piece: its COPY rows (~1.6x the text) go out before the next piece is read.
constexpr std::size_t kStreamPieceBytes = 1 << 20;
/// The memory the readings gathered for blocks take before their blocks are written out (--stream-bytes if smaller).
/// Each flush splits the sensor-hours still open (in a file in time order, the current hour's), so fewer bytes mean
/// a few more blocks; but the server gets a file's first blocks sooner, and the process holds less memory to fault
/// in (a fresh page costs ~11 us on a VM). On the 11-day shape (10 files of 1 M readings, ~19 per sensor-hour), 4
/// MiB instead of 16 cut the client's page faults by a third and the wall time by ~7%, for 0.5% fewer bytes stored
/// (more sensor-hours carry their aggregate on a block); 1 MiB stored 2% more.
constexpr std::size_t kBlockFlushBytes = 4 << 20;
/// The memory a streamed file's aggregates may take before they are handed over (~110,000 sensor-hours of four
/// measures; a file of the bench's 11-day shape has ~53,000). Not --stream-bytes: a sensor-hour cut by a hand-over
/// gets two contributions, whose float sums are added in another order than the file's (equal but for the last
/// bits, or a numeric scale: 7.0 for 7), so only a file too large for it otherwise should see one.
constexpr std::size_t kStreamAggregateBytes = 32 << 20;

class FileStream final : public RowStream {
 public:
  /// `block_bytes`: blocks layout, the memory the loose readings may take before the loader sends them, and the
  /// readings gathered for blocks before their blocks are written out if less than kBlockFlushBytes. `mid_stream`, if
  /// set, is called when the second piece is asked for. `pool`, if set, lends the blocks builder and takes it back when
  /// the stream is destroyed.
  FileStream(const Config& config, const ParseLimits& limits, std::uint64_t max_file_bytes, std::size_t block_bytes,
             RunStats& stats, std::function<void()> mid_stream = {}, BufferPool* pool = nullptr)
      : config_(config),
        limits_(limits),
        max_file_bytes_(max_file_bytes),
        block_bytes_(block_bytes),
        stats_(stats),
        mid_stream_(std::move(mid_stream)),
        pool_(pool) {}
  ~FileStream() override;
  FileStream(const FileStream&) = delete;
  FileStream& operator=(const FileStream&) = delete;

  void start(ParsedFile& file) override;
  bool next(ParsedFile& file) override;
  [[nodiscard]] bool finished() const override { return done_; }
  /// --stream-bytes: what a file just too small to stream holds anyway (the blocks' readings flush sooner).
  [[nodiscard]] std::size_t loose_bytes_bound() const override { return block_bytes_; }

 private:
  [[nodiscard]] std::size_t flush_bytes() const { return std::min(block_bytes_, kBlockFlushBytes); }

  // Reads up to a piece more into the buffer, after the unread tail; false at the end of the file.
  bool read_more();

  const Config& config_;
  ParseLimits limits_;
  std::uint64_t max_file_bytes_;
  std::size_t block_bytes_;
  RunStats& stats_;
  std::function<void()> mid_stream_;
  BufferPool* pool_;
  int pieces_ = 0;
  std::unique_ptr<ByteStream> reader_;
  std::optional<FileParser> parser_;
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = 0, size_ = 0;
  bool done_ = false;
};

}  // namespace sluice
