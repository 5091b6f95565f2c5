#pragma once
// PostgreSQL `numeric` values in binary COPY form, for the exact sums of the aggregate store.
#include <string>

#include "parse/aggregate.hpp"

namespace sluice {

/// The binary `numeric` of the shortest decimal that reads back as `value` (what PostgreSQL prints for a
/// float8): a per-file float sum stored this way is summed exactly, so the total does not depend on the order
/// files were added in. `value` must be finite.
std::string numeric_from_double(double value);

/// The binary `numeric` of an exact integer sum.
std::string numeric_from_integer(IntegerSum value);

}  // namespace sluice
