#include "parse/file_parser.hpp"

#include <fmt/format.h>

#include <simdjson.h>
#include <cmath>
#include <memory>
#include <optional>

#include <algorithm>

#include "core/errors.hpp"
#include "parse/block_builder.hpp"
#include "parse/csv_cursor.hpp"
#include "parse/file_aggregate.hpp"
#include "parse/row_validator.hpp"
#include "value/timestamp.hpp"

namespace sluice {
namespace {

// Length of the valid UTF-8 sequence starting at `p`, or 0.
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  const unsigned char c = *p;
  std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || static_cast<std::size_t>(end - p) < length) return 0;
  for (std::size_t i = 1; i < length; ++i)
    if ((p[i] & 0xC0) != 0x80) return 0;
  return simdjson::validate_utf8(reinterpret_cast<const char*>(p), length) ? length : 0;
}

// Encodes the validated row into the COPY buffer: configured columns in config order, then file_id.
// One capacity check per row, then raw writes (CopyBuffer::RowCursor).
void encode_row(const Config& config, const std::vector<FieldValue>& values, std::int64_t file_id, CopyBuffer& rows) {
  std::size_t bound = CopyBuffer::RowCursor::kMaxFixedField * (config.columns.size() + 1);
  for (std::size_t i = 0; i < config.columns.size(); ++i)
    if (config.columns[i].type == ColumnType::text && !values[i].null) bound += values[i].text.size();
  CopyBuffer::RowCursor row(rows, static_cast<std::int16_t>(config.columns.size() + 1), bound);
  for (std::size_t i = 0; i < config.columns.size(); ++i) {
    const FieldValue& value = values[i];
    if (value.null) {
      row.add_null();
      continue;
    }
    switch (config.columns[i].type) {
      case ColumnType::timestamp: row.add_timestamptz(value.integer); break;
      case ColumnType::text: row.add_text(value.text); break;
      case ColumnType::float8: row.add_float8(value.real); break;
      case ColumnType::int8: row.add_int8(value.integer); break;
      case ColumnType::boolean: row.add_bool(value.integer != 0); break;
    }
  }
  row.add_int8(file_id);
}

// Adds the row to its sensor-hour, unless a float value would take the file's sum past the largest double: then
// nothing is added and the measure is returned, for a `range:` reject (sums never become Infinity from finite
// values). Integer measures are summed exactly (a 128-bit sum per file), so they never overflow.
std::optional<std::size_t> aggregate_row(const Config& config, const std::vector<FieldValue>& values, std::int64_t ts,
                                         FileAggregate& aggregate) {
  const HourAggregateRef hour = aggregate.at(values[config.sensor_column].text, hour_floor(ts));
  for (std::size_t m = 0; m < config.measure_columns.size(); ++m) {
    const FieldValue& value = values[config.measure_columns[m]];
    if (!value.null && config.columns[config.measure_columns[m]].type != ColumnType::int8 &&
        !std::isfinite(hour.measures[m].sum + value.real))
      return m;  // a fresh sensor-hour never gets here: its sum starts at 0 and the value is finite
  }
  ++hour.rows;
  for (std::size_t m = 0; m < config.measure_columns.size(); ++m) {
    const FieldValue& value = values[config.measure_columns[m]];
    if (value.null) continue;
    if (config.columns[config.measure_columns[m]].type == ColumnType::int8)
      hour.measures[m].add_integer(value.integer);
    else
      hour.measures[m].add(value.real);
  }
  return std::nullopt;
}

constexpr std::size_t kLineEndProbeBytes = 64 << 10;

// A record over the limit fails the file: it is most likely not a sensor file (or a runaway quote).
void check_record_length(const CsvRecord& record, const ParseLimits& limits) {
  if (limits.max_line_bytes == 0 || record.raw.size() <= limits.max_line_bytes) return;
  throw FileError(fmt::format("line {}: record of {} bytes exceeds --max-line-bytes ({})", record.line,
                              record.raw.size(), limits.max_line_bytes));
}

}  // namespace

std::string printable_raw(std::string_view raw) {
  std::string out;
  out.reserve(std::min(raw.size(), kMaxRawBytes));
  const auto* p = reinterpret_cast<const unsigned char*>(raw.data());
  const auto* end = p + raw.size();
  while (p < end) {
    const std::size_t length = *p == 0 ? 0 : utf8_sequence(p, end);
    const std::size_t needed = length == 0 ? 4 : length;  // an escape is 4 bytes: \xNN
    if (out.size() + needed > kMaxRawBytes) break;
    if (length == 0) {
      out += fmt::format("\\x{:02X}", *p);
      ++p;
    } else {
      out.append(reinterpret_cast<const char*>(p), length);
      p += length;
    }
  }
  return out;
}

FileParser::FileParser(const Config& config, const ParseLimits& limits, ParsedFile& out,
                       std::unique_ptr<BlockBuilder> reused)
    : config_(config),
      limits_(limits),
      out_(out),
      sensor_too_long_("range:" + config.columns[config.sensor_column].name),
      aggregate_(config.measure_columns.size()) {
  out_.deltas = AggregateDeltas(config.measure_columns.size());
  if (config.layout != StorageLayout::blocks) return;
  blocks_ = std::move(reused);
  if (blocks_)
    blocks_->reset();
  else
    blocks_ = std::make_unique<BlockBuilder>(config);
}

FileParser::~FileParser() = default;

void FileParser::read_header(CsvCursor& cursor, CsvRecord& record, bool& pending, bool last) {
  std::vector<std::string_view> field_names;
  if (config_.dialect.header) {
    if (!cursor.next(record)) {
      if (last) throw FileError("empty file: no header line");
      return;  // the header goes on in the next piece
    }
    check_record_length(record, limits_);
    if (record.unclosed_quote) throw FileError("bad header: unclosed quote");
    field_names = record.fields;  // used by the validator's constructor only, before the next read
  } else {
    if (config_.dialect.field_names.empty())
      for (const ColumnSpec& column : config_.columns) field_names.emplace_back(column.name);
    else
      field_names.assign(config_.dialect.field_names.begin(), config_.dialect.field_names.end());
    pending = cursor.next(record);
  }
  validator_.emplace(config_, field_names);
  header_done_ = true;
}

std::size_t FileParser::feed(std::string_view data, bool last) {
  // The line end is LF unless the file has none, and a file's first piece decides it: wait for an LF, the end, or
  // enough bytes that a file without LF there is taken for a CR-only one (as a file read whole would be).
  if (piece_.file_start && !last && data.size() < kLineEndProbeBytes && data.find('\n') == std::string_view::npos)
    return 0;
  out_.content_bytes += data.size();  // corrected below by what is left for the next piece
  piece_.last = last;
  CsvCursor cursor(data, config_.dialect, piece_);
  CsvRecord record;
  bool pending = false;  // without a header, the first record read is already data
  if (!header_done_) {
    read_header(cursor, record, pending, last);
    if (!header_done_) {  // fed again with more: the next piece is still the file's start
      out_.content_bytes -= data.size();
      return 0;
    }
  }
  while (pending || cursor.next(record)) {
    pending = false;
    take(record);
  }
  // A record longer than the limit fails the file even before its end is found.
  if (!last && limits_.max_line_bytes != 0 && data.size() - cursor.consumed() > limits_.max_line_bytes)
    throw FileError(fmt::format("line {}: record of at least {} bytes exceeds --max-line-bytes ({})", cursor.line(),
                                data.size() - cursor.consumed(), limits_.max_line_bytes));
  piece_ = CsvPiece{false, last, cursor.line_end(), cursor.line()};
  out_.content_bytes -= data.size() - cursor.consumed();
  return cursor.consumed();
}

void FileParser::take(const CsvRecord& record) {
  const Config& config = config_;
  check_record_length(record, limits_);
  std::string_view reason = validator_->validate(record);
  if (reason.empty() && !validator_->values()[config.sensor_column].null &&
      validator_->values()[config.sensor_column].text.size() > kMaxSensorIdBytes)
    reason = sensor_too_long_;  // it would break the aggregate's primary key, and with it the whole load unit
  if (!reason.empty()) {
    out_.rejects.push_back({record.line, std::string(reason), printable_raw(record.raw)});
    if (limits_.max_rejects_per_file > 0 && out_.rows_rejected() > limits_.max_rejects_per_file)
      throw FileError(fmt::format("more than {} rejected rows (--max-rejects-per-file); last at line {}: {}",
                                  limits_.max_rejects_per_file, record.line, reason));
    return;
  }
  const auto& values = validator_->values();
  const std::int64_t ts = values[config.timestamp_column].integer;
  if (const std::optional<std::size_t> measure = aggregate_row(config, values, ts, aggregate_)) {
    out_.rejects.push_back(
        {record.line, "range:" + config.columns[config.measure_columns[*measure]].name, printable_raw(record.raw)});
    return;
  }
  if (blocks_)
    blocks_->add(values, aggregate_.last_index());  // the sensor-hour aggregate_row just looked up
  else
    encode_row(config, values, out_.file_id, out_.rows);
  if (ts < year_start_ || ts >= year_end_) {  // the years seen, recomputed only when a row leaves the last one's
    const int year = year_of(ts);
    year_start_ = year_start_micros(year);
    year_end_ = year_start_micros(year + 1);
    if (std::find(out_.years.begin(), out_.years.end(), year) == out_.years.end()) out_.years.push_back(year);
  }
}

// The aggregates are final here: the blocks written now carry them (those of sensor-hours without one go to
// file_hourly).
void FileParser::finish() {
  if (blocks_) out_.readings_in_blocks += blocks_->finish(out_.file_id, out_.blocks, out_.rows, &aggregate_);
  hand_over_aggregates();
}

// Mid-file: the blocks carry the aggregates of the hours their sensors have left (BlockBuilder::finish).
void FileParser::flush_blocks() {
  if (blocks_) out_.readings_in_blocks += blocks_->flush(out_.file_id, out_.blocks, out_.rows, &aggregate_, false);
}

void FileParser::flush_aggregates() {
  // The builder groups readings by the aggregate's sensor-hour indexes, which start again once it is emptied:
  // the readings gathered under the old ones go out first, carrying the aggregates as they now are.
  if (blocks_) {
    out_.readings_in_blocks += blocks_->flush(out_.file_id, out_.blocks, out_.rows, &aggregate_);
    blocks_->restart_sensor_hours();
  }
  hand_over_aggregates();
}

void FileParser::hand_over_aggregates() {
  std::vector<TimeSpan> hours = std::move(out_.hour_spans);
  aggregate_.move_into(out_.deltas, hours);
  out_.hour_spans = merged_spans(std::move(hours));
}

std::size_t FileParser::pending_block_bytes() const { return blocks_ ? blocks_->pending_bytes() : 0; }

void FileParser::reserve_readings(std::size_t readings) {
  if (blocks_) blocks_->reserve(readings);
}

void FileParser::reserve_pending_block_bytes(std::size_t bytes) {
  if (blocks_) blocks_->reserve_pending_bytes(bytes);
}

void parse_file(std::string_view content, const Config& config, const ParseLimits& limits, ParsedFile& out,
                std::unique_ptr<BlockBuilder>* builder) {
  // Binary rows run ~1.6x the CSV text (89 vs 56 bytes for the sensor format): one allocation per file.
  // Blocks run up to ~0.7x the CSV text when values stay float8 (~0.2x in 16-bit codes); pages reserved and not
  // written cost nothing.
  if (config.layout == StorageLayout::rows)
    out.rows.reserve_in_huge_pages(content.size() / 5 * 8 + 4096);
  else
    out.blocks.reserve_in_huge_pages(content.size() / 4 * 3 + 4096);
  FileParser parser(config, limits, out, builder != nullptr ? std::move(*builder) : nullptr);
  // A sensor-format row is ~56 bytes; shorter rows only make the builder's columns grow once or twice.
  parser.reserve_readings(content.size() / 32);
  parser.feed(content, true);
  parser.finish();
  if (builder != nullptr) *builder = parser.release_block_builder();
}

}  // namespace sluice
