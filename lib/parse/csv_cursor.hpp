#pragma once
// Splits an in-memory CSV text into records: RFC 4180 quotes (delimiters, doubled quotes and line
// breaks inside quotes), LF, CRLF or CR-only line ends, a UTF-8 BOM, blank lines skipped.
//
// Hand-written rather than fast-cpp-csv-parser's CSVReader: that reader fixes the column count at
// compile time (sluice's columns come from the config), allocates 48 MiB per reader, throws on a line
// break inside quotes and runs at ~300 MB/s. This cursor makes one pass over the bytes: 64 bytes at a
// time it computes a bit mask of the bytes that matter (delimiter, quote, LF, CR; SSE2 where there is
// one) and walks its set bits, so a plain record costs a few instructions per field, not a call per
// field. The unit tests check it against CSVReader on the inputs both accept.
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

/// Where a piece of a file read in pieces starts (a file read whole starts at the file's start).
struct CsvPiece {
  bool file_start = true;   ///< a UTF-8 BOM is skipped and the line end is detected only here
  bool last = true;         ///< false: a record not ended by a line end within the data is left unread
  char line_end = '\n';     ///< the file's line end, as the first piece's cursor found it (line_end())
  std::int64_t first_line = 1;
};

class CsvCursor {
 public:
  CsvCursor(std::string_view data, Dialect dialect, CsvPiece piece = {});

  /// Reads the next non-blank record; false at the end of the data (or, in a piece that is not the last, at a
  /// record whose line end is not within it: it is read again from the next piece, which starts at consumed()).
  bool next(CsvRecord& record);

  /// Bytes of the data read so far: records returned and blank lines skipped.
  [[nodiscard]] std::size_t consumed() const { return static_cast<std::size_t>(pos_ - start_); }
  /// The line number of the next record to read.
  [[nodiscard]] std::int64_t line() const { return line_; }
  [[nodiscard]] char line_end() const { return line_end_; }

 private:
  const char* split_quoted(const char* begin, CsvRecord& record);
  bool ends_line(const CsvRecord& record) const;
  // The next delimiter, quote, LF or CR at or after the scan position, or end_.
  [[gnu::always_inline]] const char* next_special();
  // Restarts the scan at `from` (after a quoted record, which the slow path read).
  void rescan_from(const char* from);
  std::uint64_t special_mask(const char* block) const;

  const char* start_;
  const char* pos_;
  const char* end_;
  Dialect dialect_;
  bool last_ = true;
  char line_end_ = '\n';
  std::int64_t line_ = 1;
  const char* block_ = nullptr;  // start of the 64 bytes the mask describes
  std::uint64_t mask_ = 0;       // their special bytes not yet visited, one bit per byte
  std::string scratch_;          // unescaped quoted fields of the current record
};

}  // namespace sluice
