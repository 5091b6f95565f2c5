#pragma once
// Splits an in-memory CSV text into records: RFC 4180 quotes (delimiters, doubled quotes and line
// breaks inside quotes), LF, CRLF or CR-only line ends, a UTF-8 BOM, blank lines skipped.
//
// Hand-written rather than fast-cpp-csv-parser's CSVReader: that reader fixes the column count at
// compile time (sluice's columns come from the config), allocates 48 MiB per reader, throws on a line
// break inside quotes and runs at ~300 MB/s; this memchr-based cursor runs at >700 MB/s. The unit tests
// check it against CSVReader on the inputs both accept.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"

namespace sluice {

struct CsvRecord {
  std::vector<std::string_view> fields;  ///< unquoted values; valid until the next call to next()
  std::string_view raw;                  ///< the record's text without its line end
  std::int64_t line = 0;                 ///< 1-based line number where the record starts
  bool unclosed_quote = false;           ///< a quote opened and never closed: the record runs to the end
};

class CsvCursor {
 public:
  CsvCursor(std::string_view data, Dialect dialect);

  /// Reads the next non-blank record; false at the end of the data.
  bool next(CsvRecord& record);

 private:
  void split_plain(const char* begin, const char* end, CsvRecord& record) const;
  const char* split_quoted(const char* begin, CsvRecord& record);

  const char* pos_;
  const char* end_;
  Dialect dialect_;
  char line_end_ = '\n';
  std::int64_t line_ = 1;
  std::string scratch_;  // unescaped quoted fields of the current record
};

}  // namespace sluice
