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
  HourAggregate& hour = aggregate.at(values[config.sensor_column].text, hour_floor(ts));
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

// Tracks the calendar years seen, recomputing only when a timestamp leaves the current year.
class YearTracker {
 public:
  void add(std::int64_t ts, std::vector<int>& years) {
    if (ts >= start_ && ts < end_) return;
    const int year = year_of(ts);
    start_ = year_start_micros(year);
    end_ = year_start_micros(year + 1);
    if (std::find(years.begin(), years.end(), year) == years.end()) years.push_back(year);
  }

 private:
  std::int64_t start_ = 0, end_ = 0;
};

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

void parse_file(std::string_view content, const Config& config, const ParseLimits& limits, ParsedFile& out) {
  out.content_bytes = content.size();
  out.deltas = AggregateDeltas(config.measure_columns.size());
  CsvCursor cursor(content, config.dialect);
  CsvRecord record;
  std::vector<std::string_view> field_names;
  bool pending = false;  // without a header, the first record read is already data
  if (config.dialect.header) {
    if (!cursor.next(record)) throw FileError("empty file: no header line");
    check_record_length(record, limits);
    if (record.unclosed_quote) throw FileError("bad header: unclosed quote");
    field_names = record.fields;  // used by the validator's constructor only, before the next read
  } else {
    if (config.dialect.field_names.empty())
      for (const ColumnSpec& column : config.columns) field_names.emplace_back(column.name);
    else
      field_names.assign(config.dialect.field_names.begin(), config.dialect.field_names.end());
    pending = cursor.next(record);
  }
  RowValidator validator(config, field_names);
  const std::string sensor_too_long = "range:" + config.columns[config.sensor_column].name;
  // Binary rows run ~1.6x the CSV text (89 vs 56 bytes for the sensor format): one allocation per file.
  // Blocks run ~0.7x the CSV text (sensor format: ~40 bytes a reading on the wire).
  if (config.layout == StorageLayout::rows)
    out.rows.reserve(content.size() / 5 * 8 + 4096);
  else
    out.blocks.reserve(content.size() / 4 * 3 + 4096);
  YearTracker years;
  std::unique_ptr<BlockBuilder> blocks;
  if (config.layout == StorageLayout::blocks) blocks = std::make_unique<BlockBuilder>(config);
  FileAggregate aggregate(config.measure_columns.size());
  while (pending || cursor.next(record)) {
    pending = false;
    check_record_length(record, limits);
    std::string_view reason = validator.validate(record);
    if (reason.empty() && !validator.values()[config.sensor_column].null &&
        validator.values()[config.sensor_column].text.size() > kMaxSensorIdBytes)
      reason = sensor_too_long;  // it would break the aggregate's primary key, and with it the whole load unit
    if (!reason.empty()) {
      out.rejects.push_back({record.line, std::string(reason), printable_raw(record.raw)});
      if (limits.max_rejects_per_file > 0 && out.rows_rejected() > limits.max_rejects_per_file)
        throw FileError(fmt::format("more than {} rejected rows (--max-rejects-per-file); last at line {}: {}",
                                    limits.max_rejects_per_file, record.line, reason));
      continue;
    }
    const auto& values = validator.values();
    const std::int64_t ts = values[config.timestamp_column].integer;
    if (const std::optional<std::size_t> measure = aggregate_row(config, values, ts, aggregate)) {
      out.rejects.push_back(
          {record.line, "range:" + config.columns[config.measure_columns[*measure]].name, printable_raw(record.raw)});
      continue;
    }
    if (blocks)
      blocks->add(values, aggregate.last_index());  // the sensor-hour aggregate_row just looked up
    else
      encode_row(config, values, out.file_id, out.rows);
    years.add(ts, out.years);
  }
  if (blocks) {
    out.readings_in_blocks = blocks->finish(out.file_id, out.blocks, out.rows);
  }
  aggregate.move_into(out.deltas);
}

}  // namespace sluice
