#pragma once
// What parse+validate produces for one file and load/ commits in one transaction.
// (Not a columnar row block: the valid rows are kept already encoded as binary COPY rows, because
// encoding while validating saves a pass and a columnar copy; see docs/design-notes.md.)
#include <cstdint>
#include <string>
#include <vector>

#include "core/file_ref.hpp"
#include "core/time_span.hpp"
#include "encode/copy_buffer.hpp"
#include "parse/aggregate.hpp"

namespace sluice {

/// A rejected row: never dropped silently, stored in the rejects table.
struct Reject {
  std::int64_t line = 0;
  std::string reason;  ///< a stable code: columns, missing:<col>, timestamp, type:<col>, range:<col>
  std::string raw;     ///< the row's text, made valid UTF-8 and cut at kMaxRawBytes
};

struct ParsedFile {
  FileRef ref;
  std::int64_t file_id = 0;
  CopyBuffer rows;    ///< valid rows as binary COPY rows for `readings` (blocks layout: the loose readings)
  CopyBuffer blocks;  ///< blocks layout: the blocks, as binary COPY rows of the blocks table
  std::int64_t readings_in_blocks = 0;  ///< blocks layout: the valid rows put in blocks (streamed: sent ones too)
  std::int64_t rows_streamed = 0;       ///< a file read in pieces: valid rows already handed over (not in `rows`)
  std::vector<Reject> rejects;
  AggregateDeltas deltas;           ///< the sensor-hour aggregates no block carries (all of them, rows layout)
  std::vector<TimeSpan> hour_spans;  ///< the hours of the valid rows, merged (core/time_span.hpp): the ledger's
  std::vector<int> years;           ///< calendar years of the valid rows: the partitions they need
  std::uint64_t content_bytes = 0;  ///< decompressed size
  std::string failure;              ///< why the whole file failed; empty when it parsed

  /// A file not parsed (yet): just which file, under which id.
  static ParsedFile unparsed(FileRef ref, std::int64_t file_id) {
    ParsedFile file;
    file.ref = std::move(ref);
    file.file_id = file_id;
    return file;
  }

  /// The valid rows in `rows` were sent (or, in a dry run, would have been): counted in rows_streamed, cleared.
  void hand_over_rows() {
    rows_streamed += rows.rows();
    rows.clear();
  }

  [[nodiscard]] bool failed() const { return !failure.empty(); }
  [[nodiscard]] std::int64_t rows_loaded() const { return rows.rows() + readings_in_blocks + rows_streamed; }
  [[nodiscard]] std::int64_t rows_rejected() const { return static_cast<std::int64_t>(rejects.size()); }
};

}  // namespace sluice
