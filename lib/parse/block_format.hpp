#pragma once
// The columns of the blocks table, in COPY order: the one description the block builder (which encodes them)
// and the schema (which creates them and the `readings` view that decodes them) share.
//
// A block holds one file's readings of one sensor within one hour, in time order, column by column:
//   file_id, <sensor>, first_ts, last_ts, n,
//   "<ts>:s16" bytea   offsets from first_ts in whole seconds, as 16-bit codes (below), when every offset is whole
//                      seconds (within an hour, an offset always fits),
//   "<ts>:s"   int2[]  the same as an array: written by schema version 5 only, still read,
//   "<ts>:ms"  int4[]  else in milliseconds, when every offset is whole milliseconds,
//   "<ts>:us"  int8[]  else in microseconds (exactly one of the four is set),
//   per float column "<c>:i16" bytea of 16-bit codes or "<c>:int" int4[]: value = int / 10^scale, used when every
//                    value of the block is exactly that double (checked bit for bit while encoding); 16-bit codes
//                    when every scaled value fits, followed by the scale as one byte (since schema version 9;
//                    before, codes alone and "<c>:div" float8 = 10^scale), else the int4 array with "<c>:div";
//                    else "<c>:f8" float8[];
//                    "<c>:i2" int2[] is the array form schema version 5 wrote; NULLs are array NULLs or code 0,
//   per other column "<c>" as an array of its type,
//   "agg:hour" timestamptz, "agg:rows" bigint, per measure "<m>:count" bigint, "<m>:min", "<m>:max" (bigint for an
//                    int measure, else float8), "<m>:sum" numeric: the file's aggregate of the block's sensor-hour,
//                    as file_hourly would hold it, on one block of that sensor-hour (NULL on the others, and on every
//                    block of a sensor-hour whose aggregate went to file_hourly instead). sensor_hourly adds up both,
//                    through the carried_hourly view. Since schema version 9 "agg:rows" is NULL when it equals n
//                    (the block holds the whole sensor-hour), and "<m>:count" when it equals the rows (no NULL
//                    value): 40 of a carrying block's ~470 bytes on a shape of ~19 readings per sensor-hour.
//   "agg:packed" bytea (since schema version 10, when the config has a float measure): the float measures' min,
//                    max and sum of the carried aggregate, packed (below) instead of in "<m>:min", "<m>:max" and
//                    "<m>:sum", which are then NULL. A block's carried aggregate is either packed whole or not at
//                    all (NULL, the three columns written as before), so each block decodes one way.
//
// Packed aggregates: per float measure in config order, 19 bytes: min and max each as a 32-bit mantissa D and an
// exponent byte, the sum as a 64-bit mantissa and an exponent byte. A mantissa is stored plus 2^31 (min, max) or
// 2^62 (sum), big-endian; an exponent byte is the exponent e plus 128, 0 for a NULL value (a measure without
// values). A bound's exponent is minus its scale (0..22, parse/decimal_scale.hpp): it decodes as D::float8 /
// 10^scale, the one correctly rounded operation, and is packed only when that gives back its double bit for bit
// (not -0, not a mantissa past 32 bits: such an aggregate stays in the columns). A sum's D and e are the shortest
// decimal that reads back as the double, the digits file_hourly's numeric sums take, so it decodes as that very numeric
// ((D || 'e' || e)::numeric, the same scale too). Twelve fewer fields per carrying block (four of them numeric,
// which the server takes apart digit by digit): on the 11-day bench shape the server's CPU for a run -10%, the
// bytes -6.6%.
//
// A 16-bit code is value + 32768, two bytes big-endian, one per reading; code 0 is NULL (so -32768 takes the
// int4 form). Not an int2[]: COPY receives an array element by element (a length and a call of int2recv each,
// three times the server's time for a block's arrays), where a bytea is one copy; and a bytea's header is 1 to
// 4 bytes, an array's 24.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "parse/decimal_scale.hpp"

namespace sluice {

/// How a blocks-table column holds its values.
enum class BlockColumnKind {
  file_id,       ///< bigint
  sensor,        ///< text
  first_ts,      ///< timestamptz: the first reading's ts
  last_ts,       ///< timestamptz: the last reading's ts
  count,         ///< int: readings in the block
  ts_seconds16,  ///< bytea of 16-bit codes
  ts_seconds,    ///< int2[] (schema version 5)
  ts_millis,     ///< int4[]
  ts_micros,     ///< int8[]
  scaled_int16,  ///< bytea of 16-bit codes of a float column
  scaled_int2,   ///< int2[] of a float column (schema version 5)
  scaled_int,    ///< int4[] of a float column
  divisor,       ///< float8 of a float column: 10^scale of its int4 form (and of 16-bit codes before version 9)
  float_array,   ///< float8[] of a float column
  plain_array,   ///< an array of the column's own type (int, bool, text, timestamp columns)
  agg_hour,      ///< timestamptz: the hour of the sensor-hour aggregate the block carries
  agg_rows,      ///< bigint: its readings
  agg_count,     ///< bigint: a measure's non-null values
  agg_min,       ///< a measure's least value (bigint or float8)
  agg_max,       ///< its greatest
  agg_sum,       ///< numeric: its sum
  agg_packed     ///< bytea: the float measures' min, max and sum packed (see above)
};

/// Whether a column of that kind holds one value per reading (an array or 16-bit codes), not one per block.
constexpr bool holds_array(BlockColumnKind kind) {
  return kind >= BlockColumnKind::ts_seconds16 && kind <= BlockColumnKind::plain_array &&
         kind != BlockColumnKind::divisor;
}

/// Whether a column of that kind is in the COPY the block builder sends: all but schema version 5's int2 arrays,
/// which the view still reads in blocks written then and which are NULL (a column left out of a COPY takes its
/// default) in every block since. Five fewer fields a block on four float columns, each a length the server
/// reads and a NULL it records.
constexpr bool copied(BlockColumnKind kind) {
  return kind != BlockColumnKind::ts_seconds && kind != BlockColumnKind::scaled_int2;
}

/// The 16-bit code of a value in -32767..32767, and of NULL.
constexpr std::uint16_t code16(std::int32_t value) { return static_cast<std::uint16_t>(value + 32768); }
inline constexpr std::uint16_t kNullCode16 = 0;

/// The float measures, whose carried min, max and sum a block packs into "agg:packed", and its bytes per measure.
inline std::size_t packed_measure_count(const Config& config) {
  std::size_t count = 0;
  for (std::size_t i : config.measure_columns) count += config.columns[i].type == ColumnType::float8 ? 1 : 0;
  return count;
}
inline constexpr std::size_t kPackedMeasureBytes = 19;

struct BlockColumn {
  BlockColumnKind kind;
  std::string name;        ///< unquoted
  std::size_t column = 0;  ///< the configured column it holds (kinds from ts_seconds16 on)
};

/// The blocks table's columns in COPY order, for `config`.
inline std::vector<BlockColumn> block_columns(const Config& config) {
  const std::string& ts = config.columns[config.timestamp_column].name;
  std::vector<BlockColumn> out = {{BlockColumnKind::file_id, "file_id"},
                                  {BlockColumnKind::sensor, config.columns[config.sensor_column].name},
                                  {BlockColumnKind::first_ts, "first_ts"},
                                  {BlockColumnKind::last_ts, "last_ts"},
                                  {BlockColumnKind::count, "n"},
                                  {BlockColumnKind::ts_seconds16, ts + ":s16", config.timestamp_column},
                                  {BlockColumnKind::ts_seconds, ts + ":s", config.timestamp_column},
                                  {BlockColumnKind::ts_millis, ts + ":ms", config.timestamp_column},
                                  {BlockColumnKind::ts_micros, ts + ":us", config.timestamp_column}};
  for (std::size_t i = 0; i < config.columns.size(); ++i) {
    if (i == config.timestamp_column || i == config.sensor_column) continue;
    const std::string& name = config.columns[i].name;
    if (config.columns[i].type == ColumnType::float8) {
      out.push_back({BlockColumnKind::scaled_int16, name + ":i16", i});
      out.push_back({BlockColumnKind::scaled_int2, name + ":i2", i});
      out.push_back({BlockColumnKind::scaled_int, name + ":int", i});
      out.push_back({BlockColumnKind::divisor, name + ":div", i});
      out.push_back({BlockColumnKind::float_array, name + ":f8", i});
    } else {
      out.push_back({BlockColumnKind::plain_array, name, i});
    }
  }
  out.push_back({BlockColumnKind::agg_hour, "agg:hour"});
  out.push_back({BlockColumnKind::agg_rows, "agg:rows"});
  for (std::size_t i : config.measure_columns) {
    const std::string& name = config.columns[i].name;
    out.push_back({BlockColumnKind::agg_count, name + ":count", i});
    out.push_back({BlockColumnKind::agg_min, name + ":min", i});
    out.push_back({BlockColumnKind::agg_max, name + ":max", i});
    out.push_back({BlockColumnKind::agg_sum, name + ":sum", i});
  }
  if (packed_measure_count(config) > 0) out.push_back({BlockColumnKind::agg_packed, "agg:packed"});
  return out;
}

/// The columns of block_columns the block builder's COPY sends, in its order.
inline std::vector<BlockColumn> copied_block_columns(const Config& config) {
  std::vector<BlockColumn> out = block_columns(config);
  std::erase_if(out, [](const BlockColumn& column) { return !copied(column.kind); });
  return out;
}

}  // namespace sluice
