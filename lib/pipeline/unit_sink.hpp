#pragma once
// Where parsed load units go: PostgreSQL, or nowhere for --dry-run.
#include <vector>

#include "core/errors.hpp"
#include "core/file_outcome.hpp"
#include "parse/parsed_file.hpp"

namespace sluice {

/// A file too large to hold whole, read and parsed a piece at a time while its rows (or blocks) are sent.
class RowStream {
 public:
  virtual ~RowStream() = default;
  /// Starts (again) at the file's first byte: what an earlier attempt parsed into `file` is cleared, and `file.ref`
  /// gets the version now read. Throws FileError when the file cannot be read.
  virtual void start(ParsedFile& file) = 0;
  /// Hands over the rows in `file.rows` (counted in rows_streamed, then cleared; blocks layout: the blocks in
  /// `file.blocks`, while the loose readings stay in `file.rows` until the loader sends them) and parses the next
  /// piece into it, with its rejects and years; false once the file is done. The aggregate deltas arrive in
  /// `file.deltas` once the file is parsed to its end (finished()), or before whenever they reach the stream's
  /// bound: the caller then writes them out and clears them (a sensor-hour may so get several contributions from
  /// one file). Throws FileError when the file turns out not loadable.
  virtual bool next(ParsedFile& file) = 0;
  /// Whether the file is parsed to its end (what next() still hands over is its last piece).
  [[nodiscard]] virtual bool finished() const = 0;
  /// Whether `file.deltas` holds aggregates handed over before the end, to be written out now.
  [[nodiscard]] bool contributions_due(const ParsedFile& file) const {
    return !finished() && file.deltas.size() > 0;
  }
  /// Blocks layout: once the loose readings in `file.rows` take this many bytes, the loader sends them (and counts
  /// them in rows_streamed, then clears them) rather than keeping them to the end of the file.
  [[nodiscard]] virtual std::size_t loose_bytes_bound() const = 0;
  /// Whether the loose readings in `file.rows` have reached that bound.
  [[nodiscard]] bool loose_rows_due(const ParsedFile& file) const {
    return file.rows.bytes().size() >= loose_bytes_bound();
  }
};

/// Reads `stream` to its end and stores nothing: the outcome a dry run reports (loaded, or failed with the reason
/// in `file.failure`).
inline FileOutcome drain_stream(ParsedFile& file, RowStream& stream) {
  FileOutcome outcome;
  try {
    stream.start(file);
    while (stream.next(file)) {
      if (stream.loose_rows_due(file)) file.hand_over_rows();  // blocks layout: as a load would send them
      if (stream.contributions_due(file)) file.deltas.clear();  // as a load would write them out
    }
    outcome.status = FileStatus::loaded;
  } catch (const FileError& error) {
    file.failure = error.what();
    outcome.status = FileStatus::failed;
  }
  return outcome;
}

class UnitSink {
 public:
  virtual ~UnitSink() = default;
  /// Commits the files of one unit together; one outcome per file. Throws FatalError when it cannot.
  virtual std::vector<FileOutcome> commit(const std::vector<ParsedFile>& files) = 0;
  /// Commits one file read through `stream` in a transaction of its own (`file` holds its ref and file_id, and
  /// ends with what it parsed to, or its failure).
  virtual FileOutcome commit_stream(ParsedFile& file, RowStream& stream) = 0;
};

/// --dry-run: every parsed file counts as loaded, nothing is written.
class DryRunSink final : public UnitSink {
 public:
  std::vector<FileOutcome> commit(const std::vector<ParsedFile>& files) override {
    std::vector<FileOutcome> outcomes(files.size());
    for (std::size_t i = 0; i < files.size(); ++i)
      outcomes[i].status = files[i].failed() ? FileStatus::failed : FileStatus::loaded;
    return outcomes;
  }
  FileOutcome commit_stream(ParsedFile& file, RowStream& stream) override { return drain_stream(file, stream); }
};

}  // namespace sluice
