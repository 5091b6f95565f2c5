#pragma once
// One file's bytes -> encoded valid rows, rejects and aggregate deltas, in one pass.
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "config/config.hpp"
#include "parse/block_builder.hpp"
#include "parse/csv_cursor.hpp"
#include "parse/file_aggregate.hpp"
#include "parse/parsed_file.hpp"
#include "parse/row_validator.hpp"

namespace sluice {

/// Default of --max-line-bytes: 16 MiB per record, quoted line breaks included.
constexpr std::uint64_t kDefaultMaxLineBytes = 16ull << 20;

struct ParseLimits {
  std::int64_t max_rejects_per_file = 0;                ///< 0: no limit; beyond it the whole file fails
  std::uint64_t max_line_bytes = kDefaultMaxLineBytes;  ///< a longer record (header too) fails the file; 0: no limit
};

/// Longest sensor id accepted: it is part of sensor_hourly's primary key, and a btree entry must fit in
/// a third of a PostgreSQL page (~2.7 kB). A longer one is a `range:<sensor column>` reject.
constexpr std::size_t kMaxSensorIdBytes = 1024;

/// Bytes kept of a rejected row's text.
constexpr std::size_t kMaxRawBytes = 4096;

/// Parses one file fed in pieces, into `out` (whose ref and file_id are set by the caller): each piece's valid
/// rows are appended to out.rows (which the caller may send and clear between pieces), its rejects to
/// out.rejects, its years to out.years; the aggregate deltas arrive at finish(). Throws FileError as parse_file.
class FileParser {
 public:
  /// `reused`: in the blocks layout, a builder an earlier file was parsed with, to build this one's blocks in
  /// (BlockBuilder::reset); null for a new one.
  FileParser(const Config& config, const ParseLimits& limits, ParsedFile& out,
             std::unique_ptr<BlockBuilder> reused = nullptr);
  ~FileParser();

  /// The blocks builder (null in the rows layout), for the next file's parser once this one is done.
  std::unique_ptr<BlockBuilder> release_block_builder() { return std::move(blocks_); }

  /// Blocks layout: room for about `readings` before the first flush (nothing in the rows layout).
  void reserve_readings(std::size_t readings);
  /// Blocks layout: room for the readings that fit in `bytes` of pending_block_bytes() (a streamed file's bound).
  void reserve_pending_block_bytes(std::size_t bytes);

  /// Parses the complete records at the start of `data`, everything when `last`; returns the bytes read. The
  /// rest (an unfinished record) is to be fed again at the start of the next piece.
  std::size_t feed(std::string_view data, bool last);
  /// After the last piece: the blocks (blocks layout; each sensor-hour's first one carries its aggregate), the
  /// aggregate deltas of the sensor-hours no block carries, and the hours seen (out.hour_spans) into `out`.
  void finish();
  /// Blocks layout: the blocks of the readings parsed so far into out.blocks now (those of sensor-hours too
  /// small for a block into out.rows), instead of at finish(). A file read in pieces calls it when
  /// pending_block_bytes() grows past its bound; a sensor-hour that goes on afterwards gets blocks of its own.
  void flush_blocks();
  /// Blocks layout: the memory the readings parsed since the last flush take; 0 in the rows layout.
  [[nodiscard]] std::size_t pending_block_bytes() const;
  /// The aggregates of the rows parsed so far into out.deltas now, and the blocks of their readings (blocks layout)
  /// as flush_blocks(), instead of at finish(). A file read in pieces calls it when pending_aggregate_bytes()
  /// grows past its bound: a sensor-hour that goes on afterwards gets a second contribution (sensor_hourly adds
  /// them up), so the aggregates of a file of millions of sensor-hours never have to be held at once.
  void flush_aggregates();
  /// The memory the aggregates gathered since the last flush_aggregates() take.
  [[nodiscard]] std::size_t pending_aggregate_bytes() const { return aggregate_.memory_bytes(); }

 private:
  void read_header(CsvCursor& cursor, CsvRecord& record, bool& pending, bool last);
  void take(const CsvRecord& record);
  // The aggregates not carried by a block into out.deltas, their hours into out.hour_spans.
  void hand_over_aggregates();

  const Config& config_;
  ParseLimits limits_;
  ParsedFile& out_;
  CsvPiece piece_;
  bool header_done_ = false;
  std::optional<RowValidator> validator_;
  std::string sensor_too_long_;
  FileAggregate aggregate_;
  std::unique_ptr<BlockBuilder> blocks_;
  std::int64_t year_start_ = 0, year_end_ = 0;  // the calendar year of the last row, to spot a new one cheaply
};

/// Parses and validates `content` into `out` (whose ref and file_id are set by the caller).
/// Throws FileError when the file cannot be loaded at all (no header, wrong header, too many rejects, a record
/// longer than limits.max_line_bytes).
/// `builder` (blocks layout; may be null): a builder to parse with, reset first (a new one if it holds none),
/// and afterwards the one used, for the next file. A file that fails takes it along.
void parse_file(std::string_view content, const Config& config, const ParseLimits& limits, ParsedFile& out,
                std::unique_ptr<BlockBuilder>* builder = nullptr);

/// A row's raw text for the rejects table: invalid UTF-8 and NUL bytes escaped as \xNN, cut at kMaxRawBytes.
std::string printable_raw(std::string_view raw);

}  // namespace sluice
