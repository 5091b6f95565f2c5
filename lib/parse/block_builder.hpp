#pragma once
// The blocks layout's encoder: one file's valid readings, gathered per (sensor, hour) column by column, then
// written as blocks of the blocks table (parse/block_format.hpp) in binary COPY form.
#include <bit>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "core/huge_pages.hpp"
#include "encode/copy_buffer.hpp"
#include "parse/block_format.hpp"
#include "parse/file_aggregate.hpp"
#include "parse/row_validator.hpp"

namespace sluice {

/// A sensor-hour with fewer readings than this is stored as rows (the loose readings table): a block's fixed
/// cost (tuple header, bounds, a header and scale byte per column: ~100 bytes with four measures) outweighs the
/// ~66 bytes a row costs over its block form from two readings on; four keeps a margin for wider columns.
inline constexpr std::size_t kMinBlockReadings = 4;

/// Encoded size a block aims at: four fill an 8 KB page (the table keeps blocks inline, uncompressed), and
/// a block's fixed cost stays under a tenth of it. A busy sensor-hour is cut into blocks of about this size.
inline constexpr std::size_t kTargetBlockBytes = 2000;

class BlockBuilder {
 public:
  explicit BlockBuilder(const Config& config);

  /// Room for `readings` without growing: the columns are appended to one value at a time, and growing them
  /// copies what they hold into pages the kernel must fault in and zero.
  void reserve(std::size_t readings);
  /// reserve() for as many readings as pending_bytes() allows in `bytes` (text values' own bytes aside).
  void reserve_pending_bytes(std::size_t bytes);

  /// Takes one valid row (values in config order, as RowValidator::values()).
  void add(const std::vector<FieldValue>& values);
  /// The same, with the reading's (sensor, hour) already indexed by the caller's FileAggregate (its
  /// last_index()): no second lookup per row. Use one form or the other for a whole file.
  void add(const std::vector<FieldValue>& values, std::uint32_t sensor_hour);

  /// Writes every block of `file_id` to `blocks` and the readings of sensor-hours too small for a block to
  /// `loose` (as rows of the readings table's shape). Returns the number of readings put in blocks.
  ///
  /// With `aggregates` (the caller's FileAggregate that add(values, sensor_hour) was indexed by): the first block
  /// of each sensor-hour written also carries that sensor-hour's aggregate, which starts again from empty there
  /// (FileAggregate::mark_carried), so that file_hourly gets only what no block carries. All of them when
  /// `aggregates_final`; else (mid-file) only those of hours before their sensor's latest, which in a file in
  /// time order are complete: the latest may still grow, and a block flushed now would carry a part of it, a
  /// second contribution to add up. Without `aggregates`, blocks carry none.
  std::int64_t finish(std::int64_t file_id, CopyBuffer& blocks, CopyBuffer& loose, FileAggregate* aggregates = nullptr,
                      bool aggregates_final = true);

  /// finish(), then forgets the readings written, so that a file read in pieces keeps the builder bounded. A
  /// sensor-hour whose readings go on after a flush gets blocks of its own from them (or loose readings, when
  /// they are too few).
  std::int64_t flush(std::int64_t file_id, CopyBuffer& blocks, CopyBuffer& loose, FileAggregate* aggregates = nullptr,
                     bool aggregates_final = true);
  /// The memory the readings taken since the last flush take (their values and group entries).
  [[nodiscard]] std::size_t pending_bytes() const;
  /// After a flush: the caller's sensor-hour indexes start again from 0 (its FileAggregate was emptied), so the
  /// sensors named for the old ones are forgotten.
  void restart_sensor_hours() { sensors_.clear(); }
  /// Forgets every reading and sensor-hour, keeping the memory: ready for another file. A builder reused this way
  /// writes into pages it has written before; a fresh one per file made the kernel fault in and zero every page
  /// of its columns again (about a quarter of the client's CPU on 10 files of 77,000 readings).
  void reset();
  /// The memory the builder holds, used or not (a pool keeping builders for later files counts it).
  [[nodiscard]] std::size_t capacity_bytes() const;

 private:
  // A configured column (not ts or sensor): its slot in each reading's row, and a text column's bytes.
  struct ColumnStore {
    std::size_t column = 0;
    ColumnType type = ColumnType::float8;
    std::size_t slot = 0;  // its index among the row's value slots and null bits
    std::string arena;     // text columns: the values, which a slot names by offset << 32 | length
  };
  // How a block's ts offsets are held: the coarsest unit every offset is a whole number of.
  enum class TsUnit { seconds, millis, micros };
  // One sensor-hour's readings since the last flush: its sensor and its slice of order_.
  struct Group {
    const std::string& sensor;
    std::uint32_t* readings;  // indexes into ts_ and the stores, in file order until finish() sorts them by ts
    std::size_t count;
  };

  // A sensor-hour's aggregate, for the one block that carries it.
  struct Carried {
    std::int64_t hour_micros;
    HourAggregateView aggregate;
  };

  void write_group(const Group& group, std::int64_t file_id, const Carried* carried, CopyBuffer& blocks);
  void write_block(const std::string& sensor, const std::uint32_t* readings, std::size_t count, std::int64_t file_id,
                   const Carried* carried, CopyBuffer& blocks);
  void write_carried(const Carried* carried, std::size_t count, CopyBuffer& blocks);
  void write_float_columns(const ColumnStore& store, const std::uint32_t* readings, std::size_t count,
                           CopyBuffer& blocks);
  void write_plain_array(const ColumnStore& store, const std::uint32_t* readings, std::size_t count,
                         CopyBuffer& blocks);
  void write_loose(const std::string& sensor, std::uint32_t reading, std::int64_t file_id, CopyBuffer& loose);
  std::size_t estimated_reading_bytes(const Group& group) const;
  // What pending_bytes() counts for one reading, text values' own bytes aside.
  std::size_t bytes_per_reading() const;
  TsUnit ts_unit(const std::uint32_t* readings, std::size_t count) const;
  // Forgets the readings taken since the last flush (sensor-hours stay named).
  void clear_readings();

  // A reading's fields in its row of readings_.
  [[nodiscard]] std::int64_t ts(std::uint32_t reading) const {
    return static_cast<std::int64_t>(readings_[reading * stride_]);
  }
  [[nodiscard]] bool is_null(std::uint32_t reading, std::size_t slot) const {
    return (readings_[reading * stride_ + 1 + slot / 64] >> (slot % 64) & 1) != 0;
  }
  [[nodiscard]] std::uint64_t slot_of(std::uint32_t reading, std::size_t slot) const {
    return readings_[reading * stride_ + 1 + null_words_ + slot];
  }
  [[nodiscard]] double real(std::uint32_t reading, std::size_t slot) const {
    return std::bit_cast<double>(slot_of(reading, slot));
  }
  [[nodiscard]] std::int64_t integer(std::uint32_t reading, std::size_t slot) const {
    return static_cast<std::int64_t>(slot_of(reading, slot));
  }
  [[nodiscard]] std::string_view text_of(std::uint32_t reading, const ColumnStore& store) const {
    const std::uint64_t at = slot_of(reading, store.slot);
    return std::string_view(store.arena).substr(at >> 32, at & 0xffffffffU);
  }

  const Config& config_;
  std::vector<BlockColumn> columns_;
  std::vector<bool> integer_measures_;  // per measure (config.measure_columns order): an int column
  bool packs_aggregates_ = false;       // whether the blocks have "agg:packed" (a float measure)
  std::string packed_;                  // a carried aggregate's "agg:packed" while it is written
  // One row of stride_ words per reading since the last flush: its ts, its columns' null bits (null_words_), then
  // one value slot per store. Row by row, not a vector per column: a block gathers its readings from all over the
  // file, and a reading's values in one or two cache lines cost one miss where a vector per column cost one each.
  std::vector<std::uint64_t, HugePageAllocator<std::uint64_t>> readings_;
  std::size_t null_words_ = 0, stride_ = 1;
  std::vector<ColumnStore> stores_;  // one per configured column but ts and sensor, config order
  std::vector<int> store_of_;        // per configured column: index into stores_, or -1
  std::vector<std::uint32_t> sensor_hour_of_;  // per reading since the last flush: its sensor-hour index
  std::vector<std::string> sensors_;           // per sensor-hour index: its sensor
  std::vector<std::uint32_t> group_ends_;      // scratch of finish: per sensor-hour, where it ends in order_
  std::vector<std::uint32_t> order_;           // scratch of finish: the readings grouped by sensor-hour
  FileAggregate sensor_hours_{0};       // the index for add(values) alone
  std::vector<std::int32_t> scaled_;    // scratch of write_float_columns
};

}  // namespace sluice
