#pragma once
// The columns of the blocks table, in COPY order: the one description the block builder (which encodes them)
// and the schema (which creates them and the `readings` view that decodes them) share.
//
// A block holds one file's readings of one sensor within one hour, in time order, column by column:
//   file_id, <sensor>, first_ts, last_ts, n,
//   "<ts>:s"  int2[]  offsets from first_ts in whole seconds, when every offset is whole seconds (within an hour,
//                     an offset always fits),
//   "<ts>:ms" int4[]  else in milliseconds, when every offset is whole milliseconds,
//   "<ts>:us" int8[]  else in microseconds (exactly one of the three is set),
//   per float column "<c>:i2" int2[] or "<c>:int" int4[], with "<c>:div" float8: value = int / div
//                    (div = 10^scale), used when every value of the block is exactly that double (checked bit for
//                    bit while encoding); int2 when every scaled value fits; else "<c>:f8" float8[];
//                    NULLs are array NULLs,
//   per other column "<c>" as an array of its type.
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
  ts_seconds,   ///< int2[]
  ts_millis,    ///< int4[]
  ts_micros,    ///< int8[]
  scaled_int2,  ///< int2[] of a float column
  scaled_int,   ///< int4[] of a float column
  divisor,      ///< float8 of a float column
  float_array,  ///< float8[] of a float column
  plain_array   ///< an array of the column's own type (int, bool, text, timestamp columns)
};

/// Whether a column of that kind holds one value per reading (an array), not one per block.
constexpr bool holds_array(BlockColumnKind kind) {
  return kind >= BlockColumnKind::ts_seconds && kind != BlockColumnKind::divisor;
}

struct BlockColumn {
  BlockColumnKind kind;
  std::string name;        ///< unquoted
  std::size_t column = 0;  ///< the configured column it holds (kinds from ts_seconds on)
};

/// The blocks table's columns in COPY order, for `config`.
inline std::vector<BlockColumn> block_columns(const Config& config) {
  const std::string& ts = config.columns[config.timestamp_column].name;
  std::vector<BlockColumn> out = {{BlockColumnKind::file_id, "file_id"},
                                  {BlockColumnKind::sensor, config.columns[config.sensor_column].name},
                                  {BlockColumnKind::first_ts, "first_ts"},
                                  {BlockColumnKind::last_ts, "last_ts"},
                                  {BlockColumnKind::count, "n"},
                                  {BlockColumnKind::ts_seconds, ts + ":s", config.timestamp_column},
                                  {BlockColumnKind::ts_millis, ts + ":ms", config.timestamp_column},
                                  {BlockColumnKind::ts_micros, ts + ":us", config.timestamp_column}};
  for (std::size_t i = 0; i < config.columns.size(); ++i) {
    if (i == config.timestamp_column || i == config.sensor_column) continue;
    const std::string& name = config.columns[i].name;
    if (config.columns[i].type == ColumnType::float8) {
      out.push_back({BlockColumnKind::scaled_int2, name + ":i2", i});
      out.push_back({BlockColumnKind::scaled_int, name + ":int", i});
      out.push_back({BlockColumnKind::divisor, name + ":div", i});
      out.push_back({BlockColumnKind::float_array, name + ":f8", i});
    } else {
      out.push_back({BlockColumnKind::plain_array, name, i});
    }
  }
  return out;
}

}  // namespace sluice
