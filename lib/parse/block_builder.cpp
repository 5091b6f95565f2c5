#include "parse/block_builder.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>
#include <utility>

#include "parse/aggregate_fields.hpp"
#include "value/timestamp.hpp"

namespace sluice {
namespace {

// PostgreSQL type OIDs of array elements (pg_type.dat): array_recv checks them against the column's.
constexpr std::int32_t kBoolOid = 16, kInt8Oid = 20, kInt4Oid = 23, kTextOid = 25, kFloat8Oid = 701,
                       kTimestamptzOid = 1184;

// A one-dimensional array in array_recv's form: dimensions, a has-nulls flag, the element type, then each
// element as a length (-1: NULL) and its bytes, which `put(i)` writes.
template <typename Put>
void write_array(CopyBuffer& out, std::int32_t element_oid, std::size_t count, bool has_nulls, Put&& put) {
  const std::size_t mark = out.begin_field();
  out.put_int4(1);
  out.put_int4(has_nulls ? 1 : 0);
  out.put_int4(element_oid);
  out.put_int4(static_cast<std::int32_t>(count));
  out.put_int4(1);  // lower bound
  for (std::size_t i = 0; i < count; ++i) put(i);
  out.end_field(mark);
}

// A bytea of 16-bit codes (parse/block_format.hpp), `code(i)` for each reading, then `scale` as one byte if it is
// given (a float column's codes carry their scale; the ts offsets' unit is their column's).
template <typename Code>
void write_codes(CopyBuffer& out, std::size_t count, Code&& code, int scale = -1) {
  const std::size_t mark = out.begin_field();
  for (std::size_t i = 0; i < count; ++i) out.put_int2(static_cast<std::int16_t>(code(i)));
  if (scale >= 0) {
    const char byte = static_cast<char>(scale);
    out.put_bytes(std::string_view(&byte, 1));
  }
  out.end_field(mark);
}

}  // namespace

BlockBuilder::BlockBuilder(const Config& config)
    : config_(config), columns_(copied_block_columns(config)), store_of_(config.columns.size(), -1) {
  for (std::size_t i : config.measure_columns) integer_measures_.push_back(config.columns[i].type == ColumnType::int8);
  packs_aggregates_ = packed_measure_count(config) > 0;
  for (std::size_t i = 0; i < config.columns.size(); ++i) {
    if (i == config.timestamp_column || i == config.sensor_column) continue;
    store_of_[i] = static_cast<int>(stores_.size());
    ColumnStore store;
    store.column = i;
    store.type = config.columns[i].type;
    store.slot = stores_.size();
    stores_.push_back(std::move(store));
  }
  null_words_ = (stores_.size() + 63) / 64;
  stride_ = 1 + null_words_ + stores_.size();
}

void BlockBuilder::reserve(std::size_t readings) {
  if (readings * stride_ > readings_.capacity()) {
    readings_.reserve(readings * stride_);  // in huge pages: a streamed file's rows take ~20 MB
  }
  sensor_hour_of_.reserve(readings);
}

void BlockBuilder::add(const std::vector<FieldValue>& values) {
  sensor_hours_.at(values[config_.sensor_column].text, hour_floor(values[config_.timestamp_column].integer));
  add(values, sensor_hours_.last_index());
}

void BlockBuilder::add(const std::vector<FieldValue>& values, std::uint32_t sensor_hour) {
  const std::int64_t ts = values[config_.timestamp_column].integer;
  if (sensor_hour >= sensors_.size()) sensors_.resize(sensor_hour + 1);
  // A sensor-hour index stands for one sensor for the whole file: named at its first reading.
  if (sensors_[sensor_hour].empty()) sensors_[sensor_hour].assign(values[config_.sensor_column].text);
  sensor_hour_of_.push_back(sensor_hour);
  const std::size_t at = readings_.size();
  readings_.resize(at + stride_);  // a zeroed row: no NULL bit set, every slot 0
  std::uint64_t* row = readings_.data() + at;
  row[0] = static_cast<std::uint64_t>(ts);
  std::uint64_t* nulls = row + 1;
  std::uint64_t* slots = nulls + null_words_;
  for (ColumnStore& store : stores_) {
    const FieldValue& value = values[store.column];
    if (value.null) {
      nulls[store.slot / 64] |= std::uint64_t{1} << (store.slot % 64);
      continue;
    }
    switch (store.type) {
      case ColumnType::float8: slots[store.slot] = std::bit_cast<std::uint64_t>(value.real); break;
      case ColumnType::text:
        slots[store.slot] = static_cast<std::uint64_t>(store.arena.size()) << 32 | value.text.size();
        store.arena.append(value.text);
        break;
      default: slots[store.slot] = static_cast<std::uint64_t>(value.integer); break;
    }
  }
}

std::int64_t BlockBuilder::finish(std::int64_t file_id, CopyBuffer& blocks, CopyBuffer& loose,
                                  FileAggregate* aggregates, bool aggregates_final) {
  // The readings grouped by sensor-hour with a counting sort, file order kept within each: two index arrays
  // reused from flush to flush instead of a growing vector per sensor-hour (an 11-day file of 200 sensors has
  // ~50,000 of them, and their allocations and first-touch page faults were a visible part of its cost).
  group_ends_.assign(sensors_.size(), 0);
  for (std::uint32_t sensor_hour : sensor_hour_of_) ++group_ends_[sensor_hour];
  std::uint32_t start = 0;
  for (std::uint32_t& slot : group_ends_) start += std::exchange(slot, start);  // now each one's start
  order_.resize(sensor_hour_of_.size());
  for (std::uint32_t reading = 0; reading < sensor_hour_of_.size(); ++reading)
    order_[group_ends_[sensor_hour_of_[reading]]++] = reading;  // each start moves on to its end
  std::int64_t in_blocks = 0;
  std::uint32_t begin = 0;
  for (std::size_t sensor_hour = 0; sensor_hour < sensors_.size(); ++sensor_hour) {
    const std::uint32_t end = group_ends_[sensor_hour];
    const Group group{sensors_[sensor_hour], order_.data() + begin, end - begin};
    begin = end;
    if (group.count == 0) continue;
    auto earlier = [&](std::uint32_t a, std::uint32_t b) { return ts(a) < ts(b); };
    if (!std::is_sorted(group.readings, group.readings + group.count, earlier))
      std::stable_sort(group.readings, group.readings + group.count, earlier);
    if (group.count < kMinBlockReadings) {
      for (std::size_t i = 0; i < group.count; ++i) write_loose(group.sensor, group.readings[i], file_id, loose);
      continue;
    }
    const auto index = static_cast<std::uint32_t>(sensor_hour);
    if (aggregates != nullptr && (aggregates_final || !aggregates->latest_of_sensor(index))) {
      const Carried carried{aggregates->hour_micros(index), aggregates->aggregate(index)};
      write_group(group, file_id, &carried, blocks);
      aggregates->mark_carried(index);
    } else {
      write_group(group, file_id, nullptr, blocks);
    }
    in_blocks += static_cast<std::int64_t>(group.count);
  }
  return in_blocks;
}

std::int64_t BlockBuilder::flush(std::int64_t file_id, CopyBuffer& blocks, CopyBuffer& loose,
                                 FileAggregate* aggregates, bool aggregates_final) {
  const std::int64_t in_blocks = finish(file_id, blocks, loose, aggregates, aggregates_final);
  clear_readings();
  return in_blocks;
}

void BlockBuilder::clear_readings() {
  sensor_hour_of_.clear();
  readings_.clear();
  for (ColumnStore& store : stores_) store.arena.clear();
}

void BlockBuilder::reset() {
  clear_readings();
  sensors_.clear();
  sensor_hours_ = FileAggregate(0);
}

std::size_t BlockBuilder::capacity_bytes() const {
  const std::size_t indexes = sensor_hour_of_.capacity() + group_ends_.capacity() + order_.capacity();
  std::size_t bytes = readings_.capacity() * sizeof(std::uint64_t) + indexes * sizeof(std::uint32_t) +
                      sensors_.capacity() * sizeof(std::string) + scaled_.capacity() * sizeof(std::int32_t);
  for (const ColumnStore& store : stores_) bytes += store.arena.capacity();
  return bytes;
}

// A reading's row (ts, null bits, one 8-byte slot per column) and its group index.
std::size_t BlockBuilder::bytes_per_reading() const { return stride_ * sizeof(std::uint64_t) + sizeof(std::uint32_t); }

void BlockBuilder::reserve_pending_bytes(std::size_t bytes) { reserve(bytes / bytes_per_reading()); }

std::size_t BlockBuilder::pending_bytes() const {
  std::size_t bytes = readings_.size() / stride_ * bytes_per_reading();
  for (const ColumnStore& store : stores_) bytes += store.arena.size();  // text values' own bytes
  return bytes;
}

BlockBuilder::TsUnit BlockBuilder::ts_unit(const std::uint32_t* readings, std::size_t count) const {
  const std::int64_t first = ts(readings[0]);
  TsUnit unit = TsUnit::seconds;
  for (std::size_t i = 0; i < count; ++i) {
    const std::int64_t offset = ts(readings[i]) - first;
    if (offset % 1000 != 0) return TsUnit::micros;
    if (offset % 1'000'000 != 0) unit = TsUnit::millis;
  }
  return unit;
}

// Bytes one reading of `group` takes in a block, judging a float column's width by its first value's scale
// (a later value may need more decimals: this only sizes blocks).
std::size_t BlockBuilder::estimated_reading_bytes(const Group& group) const {
  const TsUnit unit = ts_unit(group.readings, group.count);
  std::size_t bytes = unit == TsUnit::seconds ? 2 : unit == TsUnit::millis ? 4 : 8;
  for (const ColumnStore& store : stores_) {
    switch (store.type) {
      case ColumnType::float8: {
        bool any = false;
        int scale = -1;
        double largest = 0;
        for (std::size_t i = 0; i < group.count; ++i) {
          const std::uint32_t r = group.readings[i];
          if (is_null(r, store.slot)) continue;
          if (!any) scale = decimal_scale(real(r, store.slot), 0);
          any = true;
          largest = std::max(largest, std::fabs(real(r, store.slot)));
        }
        if (!any) break;  // NULLs only: every form of the column is NULL, a bit each
        bytes += scale < 0 ? 8 : largest * kPowersOfTen[scale] <= std::numeric_limits<std::int16_t>::max() ? 2 : 4;
        break;
      }
      case ColumnType::boolean: bytes += 1; break;
      case ColumnType::text: {
        std::size_t text = 0;
        for (std::size_t i = 0; i < group.count; ++i) text += text_of(group.readings[i], store).size();
        bytes += 4 + text / group.count;
        break;
      }
      default: bytes += 8; break;
    }
  }
  return bytes;
}

// A sensor-hour in blocks of about kTargetBlockBytes, the readings shared evenly between them.
void BlockBuilder::write_group(const Group& group, std::int64_t file_id, const Carried* carried,
                               CopyBuffer& blocks) {
  // Tuple header and line pointer, file_id, sensor, bounds, n; the ts offsets' and each float column's 16-bit
  // codes (a 4-byte header) with their scale byte, an array per other column (a 24-byte header); the unused form
  // of each is a NULL, a bit.
  std::size_t fixed = 64 + group.sensor.size() + 4;
  for (const ColumnStore& store : stores_) fixed += store.type == ColumnType::float8 ? 4 + 1 : 24;
  const std::size_t room = kTargetBlockBytes > fixed + 16 ? kTargetBlockBytes - fixed : 16;
  const std::size_t total = group.count;
  // Most sensor-hours fit one block at the widest encoding (8 bytes a value): no estimate needed.
  const bool texts = std::any_of(stores_.begin(), stores_.end(),
                                 [](const ColumnStore& store) { return store.type == ColumnType::text; });
  if (!texts && total * 8 * (1 + stores_.size()) <= room) {
    write_block(group.sensor, group.readings, total, file_id, carried, blocks);
    return;
  }
  const std::size_t most = std::max(kMinBlockReadings, room / estimated_reading_bytes(group));
  const std::size_t count = (total + most - 1) / most;
  const std::size_t each = (total + count - 1) / count;
  for (std::size_t first = 0; first < total; first += each)
    write_block(group.sensor, group.readings + first, std::min(each, total - first), file_id,
                first == 0 ? carried : nullptr, blocks);
}

void BlockBuilder::write_block(const std::string& sensor, const std::uint32_t* readings, std::size_t count,
                               std::int64_t file_id, const Carried* carried, CopyBuffer& blocks) {
  const std::int64_t first = ts(readings[0]);
  const TsUnit unit = ts_unit(readings, count);
  // The offsets from `first` go to the one ts column whose unit is the block's; the others are NULL.
  auto write_offsets = [&](TsUnit form, std::int32_t oid, std::int32_t width, std::int64_t per) {
    if (unit != form) {
      blocks.add_null();
      return;
    }
    write_array(blocks, oid, count, false, [&](std::size_t i) {
      const std::int64_t offset = (ts(readings[i]) - first) / per;
      blocks.put_int4(width);
      if (width == 4)
        blocks.put_int4(static_cast<std::int32_t>(offset));
      else
        blocks.put_int8(offset);
    });
  };
  blocks.begin_row(static_cast<std::int16_t>(columns_.size()));
  for (const BlockColumn& column : columns_) {
    switch (column.kind) {
      case BlockColumnKind::file_id: blocks.add_int8(file_id); break;
      case BlockColumnKind::sensor: blocks.add_text(sensor); break;
      case BlockColumnKind::first_ts: blocks.add_timestamptz(first); break;
      case BlockColumnKind::last_ts: blocks.add_timestamptz(ts(readings[count - 1])); break;
      case BlockColumnKind::count: blocks.add_int4(static_cast<std::int32_t>(count)); break;
      // A block lies within one hour: offsets in seconds are under 3,600 and fit a 16-bit code.
      case BlockColumnKind::ts_seconds16:
        if (unit == TsUnit::seconds)
          write_codes(blocks, count, [&](std::size_t i) {
            return code16(static_cast<std::int32_t>((ts(readings[i]) - first) / 1'000'000));
          });
        else
          blocks.add_null();
        break;
      case BlockColumnKind::ts_seconds: break;  // schema version 5's form, only read now: not copied
      case BlockColumnKind::ts_millis: write_offsets(TsUnit::millis, kInt4Oid, 4, 1000); break;
      case BlockColumnKind::ts_micros: write_offsets(TsUnit::micros, kInt8Oid, 8, 1); break;
      case BlockColumnKind::scaled_int16:  // writes the int2, int4, divisor and float8 columns too
        write_float_columns(stores_[store_of_[column.column]], readings, count, blocks);
        break;
      case BlockColumnKind::scaled_int2:
      case BlockColumnKind::scaled_int:
      case BlockColumnKind::divisor:
      case BlockColumnKind::float_array: break;
      case BlockColumnKind::plain_array:
        write_plain_array(stores_[store_of_[column.column]], readings, count, blocks);
        break;
      case BlockColumnKind::agg_hour:  // writes every aggregate column
        write_carried(carried, count, blocks);
        break;
      case BlockColumnKind::agg_rows:
      case BlockColumnKind::agg_count:
      case BlockColumnKind::agg_min:
      case BlockColumnKind::agg_max:
      case BlockColumnKind::agg_sum:
      case BlockColumnKind::agg_packed: break;
    }
  }
}

// "agg:hour", "agg:rows", each measure's count, min, max and sum, then "agg:packed", in block_columns order: as
// file_hourly holds them, or all NULL (a bit each) on a block that carries no aggregate. The rows are NULL when
// they are the block's `count` readings, and a measure's count when it is the rows (parse/block_format.hpp): on a
// shape of a block per sensor-hour that is nearly always, and the server's cost follows the bytes it stores. The
// float measures' min, max and sum go packed into "agg:packed" when every one of them has a packed form.
void BlockBuilder::write_carried(const Carried* carried, std::size_t count, CopyBuffer& blocks) {
  const std::size_t measures = integer_measures_.size();
  if (carried == nullptr) {
    for (std::size_t i = 0; i < 2 + 4 * measures + (packs_aggregates_ ? 1 : 0); ++i) blocks.add_null();
    return;
  }
  bool packed = packs_aggregates_;
  if (packed) {
    packed_.clear();
    for (std::size_t i = 0; i < measures && packed; ++i) {
      if (integer_measures_[i]) continue;
      packed_.resize(packed_.size() + kPackedMeasureBytes);
      packed =
          pack_float_measure(carried->aggregate.measures[i], packed_.data() + packed_.size() - kPackedMeasureBytes);
    }
  }
  const std::int64_t rows = carried->aggregate.rows;
  blocks.add_timestamptz(carried->hour_micros);
  if (rows == static_cast<std::int64_t>(count))
    blocks.add_null();
  else
    blocks.add_int8(rows);
  for (std::size_t i = 0; i < measures; ++i) {
    const MeasureAggregate& measure = carried->aggregate.measures[i];
    if (packed && !integer_measures_[i]) {
      add_measure_count(blocks, measure, rows);
      for (int field = 0; field < 3; ++field) blocks.add_null();
    } else {
      add_measure_fields(blocks, measure, integer_measures_[i], rows);
    }
  }
  if (!packs_aggregates_) return;
  if (packed)
    blocks.add_text(packed_);  // a bytea's binary form is its bytes
  else
    blocks.add_null();
}

// A float column as "<c>:i16", "<c>:int", "<c>:div", "<c>:f8" ("<c>:i2" is not copied): scaled integers when every
// value of the block comes back bit for bit from one scale (16-bit codes when they all fit, else int4), else the
// doubles themselves (the other columns NULL). A column all NULL in the block is NULL in every form.
void BlockBuilder::write_float_columns(const ColumnStore& store, const std::uint32_t* readings, std::size_t count,
                                       CopyBuffer& blocks) {
  bool has_nulls = false, any_value = false, exact = true;
  int scale = 0;
  scaled_.assign(count, 0);
  // One pass at the scale so far; a value that needs more decimals raises the scale, and the values before it
  // are converted again at the new one (rare: a block's scale settles within its first values).
  for (std::size_t i = 0; i < count && exact; ++i) {
    if (is_null(readings[i], store.slot)) {
      has_nulls = true;
      continue;
    }
    any_value = true;  // the loop ends early only at a value, so after it !any_value means NULLs only
    if (scaled_int(real(readings[i], store.slot), scale, scaled_[i])) continue;
    scale = decimal_scale(real(readings[i], store.slot), scale + 1);
    exact = scale >= 0;
    for (std::size_t j = 0; j <= i && exact; ++j)
      exact = is_null(readings[j], store.slot) || scaled_int(real(readings[j], store.slot), scale, scaled_[j]);
  }
  auto null_or = [&](std::size_t i, auto&& put) {
    if (is_null(readings[i], store.slot))
      blocks.put_int4(-1);
    else
      put();
  };
  if (!any_value) {
    for (int form = 0; form < 4; ++form) blocks.add_null();  // every form NULL: the view decodes NULLs
    return;
  }
  if (exact) {
    // NULLs were scaled as 0, so they do not keep a block from 16-bit codes; -32768's code is NULL's.
    const bool narrow = std::all_of(scaled_.begin(), scaled_.end(), [](std::int32_t k) {
      return k > std::numeric_limits<std::int16_t>::min() && k <= std::numeric_limits<std::int16_t>::max();
    });
    if (narrow) {
      // The scale rides in the codes' last byte, so the divisor column stays NULL: 8 bytes less per column and
      // block (a tenth of a block of ~19 readings' fixed cost).
      write_codes(
          blocks, count,
          [&](std::size_t i) { return is_null(readings[i], store.slot) ? kNullCode16 : code16(scaled_[i]); }, scale);
      blocks.add_null();
      blocks.add_null();
    } else {
      blocks.add_null();
      write_array(blocks, kInt4Oid, count, has_nulls, [&](std::size_t i) {
        null_or(i, [&] {
          blocks.put_int4(4);
          blocks.put_int4(scaled_[i]);
        });
      });
      blocks.add_float8(kPowersOfTen[scale]);
    }
    blocks.add_null();
    return;
  }
  blocks.add_null();
  blocks.add_null();
  blocks.add_null();
  write_array(blocks, kFloat8Oid, count, has_nulls, [&](std::size_t i) {
    null_or(i, [&] {
      blocks.put_int4(8);
      blocks.put_int8(std::bit_cast<std::int64_t>(real(readings[i], store.slot)));
    });
  });
}

void BlockBuilder::write_plain_array(const ColumnStore& store, const std::uint32_t* readings, std::size_t count,
                                     CopyBuffer& blocks) {
  bool has_nulls = false;
  for (std::size_t i = 0; i < count; ++i) has_nulls = has_nulls || is_null(readings[i], store.slot);
  const std::int32_t oid = store.type == ColumnType::int8      ? kInt8Oid
                           : store.type == ColumnType::boolean ? kBoolOid
                           : store.type == ColumnType::text    ? kTextOid
                                                               : kTimestamptzOid;
  write_array(blocks, oid, count, has_nulls, [&](std::size_t i) {
    const std::uint32_t r = readings[i];
    if (is_null(r, store.slot)) {
      blocks.put_int4(-1);
      return;
    }
    switch (store.type) {
      case ColumnType::int8:
        blocks.put_int4(8);
        blocks.put_int8(integer(r, store.slot));
        break;
      case ColumnType::boolean:
        blocks.put_int4(1);
        blocks.put_bytes(integer(r, store.slot) != 0 ? std::string_view("\1", 1) : std::string_view("\0", 1));
        break;
      case ColumnType::text:
        blocks.put_int4(static_cast<std::int32_t>(text_of(r, store).size()));
        blocks.put_bytes(text_of(r, store));
        break;
      default:
        blocks.put_int4(8);
        blocks.put_int8(integer(r, store.slot) - kPostgresEpochMicros);
        break;
    }
  });
}

// A reading of a sensor-hour too small for a block: one row of the loose readings table (readings' columns).
void BlockBuilder::write_loose(const std::string& sensor, std::uint32_t reading, std::int64_t file_id,
                               CopyBuffer& loose) {
  loose.begin_row(static_cast<std::int16_t>(config_.columns.size() + 1));
  for (std::size_t i = 0; i < config_.columns.size(); ++i) {
    if (i == config_.timestamp_column) {
      loose.add_timestamptz(ts(reading));
      continue;
    }
    if (i == config_.sensor_column) {
      loose.add_text(sensor);
      continue;
    }
    const ColumnStore& store = stores_[store_of_[i]];
    if (is_null(reading, store.slot)) {
      loose.add_null();
      continue;
    }
    switch (store.type) {
      case ColumnType::float8: loose.add_float8(real(reading, store.slot)); break;
      case ColumnType::int8: loose.add_int8(integer(reading, store.slot)); break;
      case ColumnType::boolean: loose.add_bool(integer(reading, store.slot) != 0); break;
      case ColumnType::timestamp: loose.add_timestamptz(integer(reading, store.slot)); break;
      case ColumnType::text:
        loose.add_text(text_of(reading, store));
        break;
    }
  }
  loose.add_int8(file_id);
}

}  // namespace sluice
