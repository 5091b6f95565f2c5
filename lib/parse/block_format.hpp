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
//
// A 16-bit code is value + 32768, two bytes big-endian, one per reading; code 0 is NULL (so -32768 takes the
// int4 form). Not an int2[]: COPY receives an array element by element (a length and a call of int2recv each,
// three times the server's time for a block's arrays), where a bytea is one copy; and a bytea's header is 1 to
// 4 bytes, an array's 24.
#include <cstdint>
#include <string>
#include <vector>

#include "config/config.hpp"

namespace sluice {

/// How a blocks-table column holds its values.
enum class BlockColumnKind {
  file_id,      ///< bigint
  sensor,       ///< text
  first_ts,     ///< timestamptz: the first reading's ts
  last_ts,      ///< timestamptz: the last reading's ts
  count,        ///< int: readings in the block
  ts_seconds16, ///< bytea of 16-bit codes
  ts_seconds,   ///< int2[] (schema version 5)
  ts_millis,    ///< int4[]
  ts_micros,    ///< int8[]
  scaled_int16, ///< bytea of 16-bit codes of a float column
  scaled_int2,  ///< int2[] of a float column (schema version 5)
  scaled_int,   ///< int4[] of a float column
  divisor,      ///< float8 of a float column: 10^scale of its int4 form (and of 16-bit codes before version 9)
  float_array,  ///< float8[] of a float column
  plain_array,  ///< an array of the column's own type (int, bool, text, timestamp columns)
  agg_hour,     ///< timestamptz: the hour of the sensor-hour aggregate the block carries
  agg_rows,     ///< bigint: its readings
  agg_count,    ///< bigint: a measure's non-null values
  agg_min,      ///< a measure's least value (bigint or float8)
  agg_max,      ///< its greatest
  agg_sum       ///< numeric: its sum
};

/// Whether a column of that kind holds one value per reading (an array or 16-bit codes), not one per block.
constexpr bool holds_array(BlockColumnKind kind) {
  return kind >= BlockColumnKind::ts_seconds16 && kind <= BlockColumnKind::plain_array &&
         kind != BlockColumnKind::divisor;
}

/// The most decimals a scaled float column has (value = int / 10^scale, scale 0..kMaxBlockScale): every power of ten
/// up to 10^9 is an exact double, and the scale byte after 16-bit codes indexes the view's table of them.
inline constexpr int kMaxBlockScale = 9;

/// The 16-bit code of a value in -32767..32767, and of NULL.
constexpr std::uint16_t code16(std::int32_t value) { return static_cast<std::uint16_t>(value + 32768); }
inline constexpr std::uint16_t kNullCode16 = 0;

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
  return out;
}

}  // namespace sluice
