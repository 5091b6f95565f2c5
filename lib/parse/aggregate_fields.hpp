#pragma once
// A sensor-hour aggregate's fields in binary COPY form: the exact `numeric` sums, and one measure's count, min,
// max and sum as file_hourly and the blocks that carry their sensor-hour's aggregate store them.
#include <cstdint>
#include <string>

#include "encode/copy_buffer.hpp"
#include "parse/aggregate.hpp"

namespace sluice {

/// The binary `numeric` of the shortest decimal that reads back as `value` (what PostgreSQL prints for a
/// float8): a per-file float sum stored this way is summed exactly, so the total does not depend on the order
/// files were added in. `value` must be finite.
std::string numeric_from_double(double value);

/// Writes a float measure's min, max and sum in the packed form a block's "agg:packed" holds (kPackedMeasureBytes,
/// parse/block_format.hpp), or returns false when a value has no packed form (the block then writes the three
/// columns instead).
bool pack_float_measure(const MeasureAggregate& measure, char* out);

/// The binary `numeric` of an exact integer sum.
std::string numeric_from_integer(IntegerSum value);

/// A measure's count as its first field: NULL when it equals `implied_count`.
void add_measure_count(CopyBuffer& out, const MeasureAggregate& measure, std::int64_t implied_count);

/// One measure's four fields: count (int8), then min, max (int8 for an integer measure, else float8) and sum
/// (numeric), all three NULL when the measure had no value. The count is NULL when it equals `implied_count`
/// (a block's carried aggregate leaves out a count that is its rows); file_hourly always has it.
void add_measure_fields(CopyBuffer& out, const MeasureAggregate& measure, bool integer,
                        std::int64_t implied_count = -1);

}  // namespace sluice
