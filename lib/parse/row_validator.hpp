#pragma once
// DESIGN.md's row rules: one reject reason per bad row, checked in a fixed order.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "parse/csv_cursor.hpp"

namespace sluice {

/// A validated value of one configured column.
struct FieldValue {
  bool null = true;
  std::int64_t integer = 0;  ///< int columns; Unix microseconds for timestamp columns
  double real = 0;           ///< float columns
  std::string_view text;     ///< text columns
};

class RowValidator {
 public:
  /// Maps the file's header to the configured columns; throws FileError when a required column is missing.
  RowValidator(const Config& config, const std::vector<std::string_view>& header);

  /// Validates a record; returns the reject reason code, or an empty view when the row is valid.
  /// On success values() holds one value per configured column (config order).
  std::string_view validate(const CsvRecord& record);

  [[nodiscard]] const std::vector<FieldValue>& values() const { return values_; }

 private:
  std::string_view check_field(std::size_t column_index, std::string_view text);

  const Config& config_;
  std::vector<int> column_of_field_;  // per file field: configured column index, or -1 (ignored)
  std::vector<FieldValue> values_;
  std::vector<std::string> missing_, type_, range_;  // reason codes per column, built once
};

}  // namespace sluice
