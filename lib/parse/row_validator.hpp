#pragma once
// The row rules: one reject reason per bad row, checked in a fixed order.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "parse/csv_cursor.hpp"
#include "parse/iso_day_cache.hpp"
#include "value/zone.hpp"

namespace sluice {

/// A validated value of one configured column.
struct FieldValue {
  bool null = true;
  std::int64_t integer = 0;  ///< int and bool columns; Unix microseconds for timestamp columns
  double real = 0;           ///< float columns
  std::string_view text;     ///< text columns
};

class RowValidator {
 public:
  /// Maps the file's field names (its header, or the config's names when the file has none) to the
  /// configured columns (ignoring ASCII case with header_case_insensitive); throws FileError when a name
  /// is matched twice, when a required column is missing, or when the header lacks any other column that
  /// has neither a default nor optional_in_header (the reason names it and the nearest header name).
  RowValidator(const Config& config, const std::vector<std::string_view>& field_names);

  /// Validates a record; returns the reject reason code, or an empty view when the row is valid.
  /// On success values() holds one value per configured column (config order).
  std::string_view validate(const CsvRecord& record);

  [[nodiscard]] const std::vector<FieldValue>& values() const { return values_; }

 private:
  // What one field of the file feeds: a whole column, or the date or time half of an assembled timestamp.
  struct FieldRole {
    int column = -1;  // -1: ignored
    enum class Part { whole, date, time } part = Part::whole;
  };

  void map_fields(const std::vector<std::string_view>& field_names);
  void prepare_defaults();
  std::string_view check_field(std::size_t column_index, std::string_view text);
  std::string_view check_part(std::size_t column_index, FieldRole::Part part, std::string_view text);
  bool parse_timestamp(std::size_t column_index, std::string_view text, std::int64_t& micros);

  const Config& config_;
  std::vector<FieldRole> roles_;  // per file field
  std::vector<FieldValue> values_;
  std::vector<FieldValue> defaults_;      // per column: the value when the file lacks the column
  std::vector<LocalTimeResolver> zones_;  // per column: the clock of a timestamp without an offset
  std::vector<bool> from_default_;
  std::vector<std::string> missing_, type_, range_;        // reason codes per column, built once
  std::vector<std::string_view> date_parts_, time_parts_;  // per column, for assembled timestamps
  std::string assembled_;                                  // "<date> <time>" scratch
  std::vector<IsoDayCache> iso_days_;                      // per column: the date part of its last timestamp
  bool has_defaults_ = false, has_assembled_ = false;      // skip their per-row resets when unused
};

/// True/false spellings accepted for bool columns: true/false, t/f, yes/no, y/n, 1/0, on/off (any case).
bool parse_bool(std::string_view text, bool& out);

}  // namespace sluice
