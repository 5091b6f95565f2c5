#pragma once
// The oneTBB flow graph: plan -> (limiter) -> fetch (--fetch-jobs) -> parse (--jobs) -> load (--connections), with a
// bounded number of units in flight so memory stays flat whatever the number of files.
#include <cstddef>
#include <functional>

#include "config/config.hpp"
#include "core/logger.hpp"
#include "core/run_stats.hpp"
#include "core/stop_signal.hpp"
#include "fetch/fetcher.hpp"
#include "parse/file_parser.hpp"
#include "pipeline/buffer_pool.hpp"
#include "pipeline/unit_planner.hpp"
#include "pipeline/unit_sink.hpp"

namespace sluice {

/// Freed memory sluice keeps for the next file: the pipeline hands the heap back to the system after a large
/// file's unit only above this much resident, and main() lets glibc keep freed blocks of up to this size.
inline constexpr std::size_t kHeapKeptBytes = 256ull << 20;

struct PipelineOptions {
  int jobs = 2;                               ///< parallel parse+validate
  int fetch_jobs = 2;                         ///< parallel reads / GETs
  int connections = 2;                        ///< parallel load units
  std::uint64_t max_file_bytes = 4ull << 30;  ///< after decompression
  /// A local file of this many bytes (a compressed one: an eighth of it) or more is read, parsed and sent a piece
  /// at a time in a transaction of its own, not held whole; 0: never.
  std::uint64_t stream_bytes = 16ull << 20;
  ParseLimits limits;
  /// Called for each file once its unit has committed (to archive or quarantine it); not for skips.
  std::function<void(const ParsedFile&, const FileOutcome&)> after_commit;
  /// Called when a streamed file's first piece has been handed over and the next is asked for (a crash test's
  /// fail point).
  std::function<void()> mid_stream;
  /// Called once, after the pass's first unit commits (a test's pause point).
  std::function<void()> first_commit;
};

struct PipelineParts {
  const Config& config;
  UnitPlanner& planner;
  Fetcher& fetcher;
  UnitSink& sink;
  RunStats& stats;
  StopSignal& stop;
  Logger& logger;
};

/// Why a file failed: the load stage's reason (PostgreSQL refused its data) or the parser's.
const std::string& failure_of(const ParsedFile& file, const FileOutcome& outcome);

/// Runs every unit the planner yields until it is exhausted or a stop is requested (in-flight units
/// are finished). Rethrows the first FatalError after draining.
void run_pipeline(const PipelineParts& parts, const PipelineOptions& options);

/// Whether `ref` is loaded through a FileStream rather than fetched and parsed whole.
bool streams(const FileRef& ref, const PipelineOptions& options);

/// A file's stored bytes, or why it could not be read.
struct FetchedFile {
  std::string stored;
  std::string failure;
  bool deferred = false;  ///< only read ahead (Fetcher::read_ahead): the parser fetches it
};

/// Reads one file as it is now (its version set to the one read); a FileError becomes the failure.
/// With a pool, the bytes go into a buffer taken from it.
FetchedFile fetch_one(FileRef& ref, const PipelineParts& parts, BufferPool* pool = nullptr);

/// Decompresses and parses one fetched file; a FileError becomes the file's failure reason. With a pool,
/// the COPY rows go into a buffer taken from it and the file's bytes are handed back to it.
ParsedFile parse_one(const FileRef& ref, std::int64_t file_id, FetchedFile fetched, const PipelineParts& parts,
                     const PipelineOptions& options, BufferPool* pool = nullptr);

}  // namespace sluice
