#pragma once
// Dialect sniffing for `sluice infer`: delimiter, quote and decimal separator of a CSV sample.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace sluice {

/// One record of a sample, its fields unquoted and owned.
using SampleRecord = std::vector<std::string>;

/// The delimiter (',' ';' '\t' '|') that splits the sample's first lines into the most consistent
/// number of fields (at least two; ties go to more fields, then to that order), and the quote
/// ('"' unless only '\'' is used to quote fields). A sample of one column gets ','.
Dialect sniff_dialect(std::string_view sample);

/// Up to `max_records` records of `sample` split with `dialect` (the header, if any, included).
std::vector<SampleRecord> read_records(std::string_view sample, const Dialect& dialect, std::size_t max_records);

/// True when the numbers in `records` are written with a decimal comma ("2,6") rather than a point;
/// never with ',' as the delimiter.
bool sniff_decimal_comma(const std::vector<SampleRecord>& records, char delimiter);

}  // namespace sluice
