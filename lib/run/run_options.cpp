#include "run/run_options.hpp"

#include <algorithm>
#include <thread>

namespace sluice {

PipelineOptions pipeline_options(const RunOptions& options, int fetch_jobs) {
  PipelineOptions out;
  out.jobs = options.jobs > 0 ? options.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  out.fetch_jobs = fetch_jobs;
  out.connections = options.connections;
  out.max_file_bytes = options.source.max_file_bytes;
  out.stream_bytes = options.stream_bytes;
  out.limits.max_rejects_per_file = options.max_rejects_per_file;
  out.limits.max_line_bytes = options.max_line_bytes;
  return out;
}

}  // namespace sluice
