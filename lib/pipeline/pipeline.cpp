#include "pipeline/pipeline.hpp"

#include <fmt/format.h>
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "core/errors.hpp"
#include "fetch/decompress.hpp"
#include "pipeline/file_stream.hpp"

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kPooledBytes = 128ull << 20;  // per kind: read buffers, COPY buffers

std::int64_t micros_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
}

struct Unit {
  UnitPlan plan;
  std::vector<bool> streamed;  ///< per file: loaded through a FileStream by the load stage
  std::vector<FetchedFile> fetched;
  std::vector<ParsedFile> files;
};
using UnitPtr = std::shared_ptr<Unit>;

// Each thread allocates from a malloc arena of its own and each arena keeps the high-water mark of what was freed
// in it: a large file's aggregates (tens of MB), or a unit of a thousand small files, leave that much behind in
// every thread that ever loaded one, and RSS grows with the number of threads. Freed pages are handed back to the
// kernel after a large file's unit once the process holds more than kHeapKeptBytes, and at most once a second
// after units of small files (trimming after every unit of small files costs more in page faults than it saves).
// Below that bound a large file's pages stay mapped for the next one: trimming after every unit of 56 MB files
// (~50,000 sensor-hours each) made the next file fault all of them in again, ~100,000 faults and ~0.8 CPU-s of
// a 10-file run spent in the kernel, for the same peak.
class HeapTrimmer {
 public:
  void after_unit(bool large) {
    const std::int64_t now = Clock::now().time_since_epoch().count();
    std::int64_t last = last_.load();
    if (large && resident_bytes() < kHeapKeptBytes) return;
    if (!large && now - last < std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)).count()) return;
    if (!last_.compare_exchange_strong(last, now) && !large) return;  // another thread just did
    malloc_trim(0);
  }

 private:
  // Resident set from /proc/self/statm (pages); the most there is if it cannot be read, which trims as before.
  static std::size_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    std::size_t size_pages = 0, resident_pages = 0;
    if (!(statm >> size_pages >> resident_pages)) return SIZE_MAX;
    return resident_pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  }

  std::atomic<std::int64_t> last_{0};
};

}  // namespace

const std::string& failure_of(const ParsedFile& file, const FileOutcome& outcome) {
  return outcome.failure.empty() ? file.failure : outcome.failure;
}

namespace {

void account(const Unit& unit, const std::vector<FileOutcome>& outcomes, RunStats& stats, Logger& logger) {
  std::map<std::string, std::int64_t> reasons;
  for (std::size_t i = 0; i < unit.files.size(); ++i) {
    const ParsedFile& file = unit.files[i];
    stats.bytes_done += static_cast<std::int64_t>(file.ref.size);
    switch (outcomes[i].status) {
      case FileStatus::skipped: stats.files_skipped += 1; break;
      case FileStatus::failed:
        stats.files_failed += 1;
        stats.add_failure(file.ref.uri, failure_of(file, outcomes[i]));
        logger.warn(
            fmt::format("{}: failed{}: {}", file.ref.uri,
                        outcomes[i].given_up ? " (its last attempt: given up until it changes or `sluice retry`)" : "",
                        failure_of(file, outcomes[i])));
        break;
      case FileStatus::loaded:
        stats.files_loaded += 1;
        stats.files_replaced += outcomes[i].replaced ? 1 : 0;
        stats.rows_loaded += file.rows_loaded();
        stats.rows_rejected += file.rows_rejected();
        if (!outcomes[i].note.empty()) logger.warn(fmt::format("{}: {}", file.ref.uri, outcomes[i].note));
        for (const Reject& reject : file.rejects) reasons[reject.reason] += 1;
        break;
    }
  }
  if (!reasons.empty()) stats.add_rejects(reasons);
  stats.units_committed += 1;
}

}  // namespace

bool streams(const FileRef& ref, const PipelineOptions& options) {
  if (options.stream_bytes == 0 || ref.scheme != FileScheme::local) return false;
  const bool compressed = ref.uri.ends_with(".gz") || ref.uri.ends_with(".zst");  // a hint only: ~8x the text
  return ref.size * (compressed ? 8 : 1) >= options.stream_bytes;
}

// Loads the unit's files: those held whole together, then each streamed one in a transaction of its own.
std::vector<FileOutcome> commit_unit(Unit& unit, const PipelineParts& parts, const PipelineOptions& options,
                                     BufferPool& pool) {
  std::vector<FileOutcome> outcomes(unit.files.size());
  std::vector<ParsedFile> whole;
  std::vector<std::size_t> whole_index;
  for (std::size_t i = 0; i < unit.files.size(); ++i)
    if (!unit.streamed[i]) {
      whole.push_back(std::move(unit.files[i]));
      whole_index.push_back(i);
    }
  if (!whole.empty()) {
    std::vector<FileOutcome> committed = parts.sink.commit(whole);
    for (std::size_t k = 0; k < whole.size(); ++k) {
      unit.files[whole_index[k]] = std::move(whole[k]);
      outcomes[whole_index[k]] = std::move(committed[k]);
    }
  }
  for (std::size_t i = 0; i < unit.files.size(); ++i)
    if (unit.streamed[i]) {
      // A streamed file's loose readings wait in up to --stream-bytes of memory (what a file just too small to
      // stream holds anyway), the readings for its blocks in up to kBlockFlushBytes.
      FileStream stream(parts.config, options.limits, options.max_file_bytes, options.stream_bytes, parts.stats,
                        options.mid_stream, &pool);
      outcomes[i] = parts.sink.commit_stream(unit.files[i], stream);
    }
  return outcomes;
}

FetchedFile fetch_one(FileRef& ref, const PipelineParts& parts, BufferPool* pool) {
  FetchedFile fetched;
  if (pool) fetched.stored = pool->take_bytes();
  if (ref.scheme == FileScheme::unloadable) {  // failed before any read (an unusable Kafka message)
    fetched.failure = ref.failure;
    return fetched;
  }
  const auto start = Clock::now();
  try {
    parts.fetcher.fetch_current_into(ref, fetched.stored);
    parts.stats.bytes_read += static_cast<std::int64_t>(fetched.stored.size());
  } catch (const FileError& error) {
    fetched.failure = error.what();
  }
  parts.stats.fetch_micros += micros_since(start);
  return fetched;
}

ParsedFile parse_one(const FileRef& ref, std::int64_t file_id, FetchedFile fetched, const PipelineParts& parts,
                     const PipelineOptions& options, BufferPool* pool) {
  ParsedFile file;
  file.ref = ref;
  file.file_id = file_id;
  std::unique_ptr<BlockBuilder> builder;
  if (pool) {
    file.rows = pool->take_rows();
    if (parts.config.layout == StorageLayout::blocks) {
      file.blocks = pool->take_rows();
      builder = pool->take_builder();
    }
  }
  const auto start = Clock::now();
  try {
    if (!fetched.failure.empty()) throw FileError(fetched.failure);
    std::string content = decompress(std::move(fetched.stored), options.max_file_bytes);
    parse_file(content, parts.config, options.limits, file, &builder);
    if (pool) pool->give(std::move(builder));
    parts.stats.bytes_parsed += static_cast<std::int64_t>(content.size());
    if (pool) pool->give(std::move(content));
  } catch (const FileError& error) {
    file = ParsedFile::unparsed(ref, file_id);  // a failed file loads no row and no reject
    file.failure = error.what();
  }
  parts.stats.parse_micros += micros_since(start);
  return file;
}

void run_pipeline(const PipelineParts& parts, const PipelineOptions& options) {
  namespace flow = tbb::flow;
  std::mutex fatal_mutex;
  std::exception_ptr fatal;
  std::atomic<bool> aborted{false};
  auto record_fatal = [&](std::exception_ptr error) {
    std::lock_guard lock(fatal_mutex);
    if (!fatal) fatal = error;
    aborted = true;
  };

  // Load nodes block on the network: give them threads of their own so parsing never starves.
  const int threads = options.jobs + options.fetch_jobs + options.connections;
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  tbb::task_arena arena(threads);
  // Enough to hand every unit in flight its big buffers again, bounded so a run of huge files keeps no more.
  BufferPool pool(kPooledBytes);
  HeapTrimmer trimmer;
  std::once_flag first_commit;
  arena.execute([&] {
    flow::graph graph;
    flow::input_node<UnitPtr> planner(graph, [&](tbb::flow_control& control) -> UnitPtr {
      if (parts.stop.requested() || aborted) {
        control.stop();
        return nullptr;
      }
      try {
        std::optional<UnitPlan> plan = parts.planner.next();
        if (!plan) {
          control.stop();
          return nullptr;
        }
        auto unit = std::make_shared<Unit>();
        unit->plan = std::move(*plan);
        return unit;
      } catch (...) {
        record_fatal(std::current_exception());
        control.stop();
        return nullptr;
      }
    });
    // Units in flight: enough to keep every parser and every connection busy, and no more.
    flow::limiter_node<UnitPtr> limiter(graph, static_cast<std::size_t>(threads));
    // Anything but a FileError (which fails one file) stops the run the way a fatal load error does: the
    // units in flight drain, no new one is planned, and the error is rethrown after the graph is done.
    flow::function_node<UnitPtr, UnitPtr> fetch(graph, static_cast<std::size_t>(options.fetch_jobs), [&](UnitPtr unit) {
      if (aborted) return unit;
      try {
        // A unit of many small S3 objects would wait on one GET after another: fetch them side by side.
        unit->fetched.resize(unit->plan.files.size());
        for (const FileRef& ref : unit->plan.files) unit->streamed.push_back(streams(ref, options));
        // A local file is only read ahead here, and read by its parser into a buffer that parser reuses: read
        // here, every unit in flight would hold a buffer of its own, fresh pages to fault in and zero.
        tbb::parallel_for(std::size_t{0}, unit->plan.files.size(), [&](std::size_t i) {
          if (unit->streamed[i]) return;
          if (parts.fetcher.read_ahead(unit->plan.files[i]))
            unit->fetched[i].deferred = true;
          else
            unit->fetched[i] = fetch_one(unit->plan.files[i], parts, &pool);
        });
      } catch (...) {
        record_fatal(std::current_exception());
      }
      return unit;
    });
    flow::function_node<UnitPtr, UnitPtr> parse(graph, static_cast<std::size_t>(options.jobs), [&](UnitPtr unit) {
      if (aborted) return unit;
      try {
        for (std::size_t i = 0; i < unit->plan.files.size(); ++i) {
          if (unit->streamed[i]) {  // read and parsed while it loads
            unit->files.push_back(ParsedFile::unparsed(unit->plan.files[i], unit->plan.file_ids[i]));
            continue;
          }
          if (unit->fetched[i].deferred) unit->fetched[i] = fetch_one(unit->plan.files[i], parts, &pool);
          unit->files.push_back(parse_one(unit->plan.files[i], unit->plan.file_ids[i], std::move(unit->fetched[i]),
                                          parts, options, &pool));
        }
        unit->fetched.clear();
      } catch (...) {
        record_fatal(std::current_exception());
      }
      return unit;
    });
    flow::function_node<UnitPtr, flow::continue_msg> load(
        graph, static_cast<std::size_t>(options.connections), [&](UnitPtr unit) {
          if (aborted) return flow::continue_msg();
          try {
            const auto start = Clock::now();
            std::vector<FileOutcome> outcomes = commit_unit(*unit, parts, options, pool);
            parts.stats.load_micros += micros_since(start);
            if (options.first_commit) std::call_once(first_commit, options.first_commit);
            account(*unit, outcomes, parts.stats, parts.logger);
            if (options.after_commit)
              for (std::size_t i = 0; i < unit->files.size(); ++i)
                if (outcomes[i].status != FileStatus::skipped) options.after_commit(unit->files[i], outcomes[i]);
            for (std::size_t i = 0; i < unit->files.size(); ++i) {
              pool.give(std::move(unit->files[i].rows));
              // Only a whole file's: a streamed file's blocks buffer is its stream's own, and kept here it would
              // only hold memory the next stream's builder then faults in afresh.
              if (!unit->streamed[i]) pool.give(std::move(unit->files[i].blocks));
            }
            unit->files.clear();
            trimmer.after_unit(std::find(unit->streamed.begin(), unit->streamed.end(), true) != unit->streamed.end());
          } catch (...) {
            record_fatal(std::current_exception());
          }
          return flow::continue_msg();
        });
    flow::make_edge(planner, limiter);
    flow::make_edge(limiter, fetch);
    flow::make_edge(fetch, parse);
    flow::make_edge(parse, load);
    flow::make_edge(load, limiter.decrementer());
    planner.activate();
    graph.wait_for_all();
  });
  if (fatal) std::rethrow_exception(fatal);
}

}  // namespace sluice
