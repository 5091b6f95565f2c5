#pragma once
// From command-line SOURCE arguments to a FileSource, and the Fetcher that reads what it lists.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

#include "core/logger.hpp"
#include "fetch/fetcher.hpp"
#include "source/file_source.hpp"

namespace sluice {

struct SourceOptions {
  std::vector<std::string> include;  ///< file name patterns for folders; empty: the defaults
  std::uint64_t max_file_bytes = 4ull << 30;
  int fetch_jobs = 0;  ///< parallel reads/GETs; 0: a default that suits the sources
};

/// Adds --include, --max-file-bytes, --fetch-jobs (and the S3 options) to a command.
void add_source_options(CLI::App& command, SourceOptions& options);

/// One source per argument (folder, file, glob), chained. Throws UsageError for an argument that names nothing.
std::unique_ptr<FileSource> make_sources(const std::vector<std::string>& arguments, const SourceOptions& options,
                                         Logger& logger);

/// A fetcher for every kind of uri the sources yield.
std::unique_ptr<Fetcher> make_fetcher(const SourceOptions& options, Logger& logger);

/// Parallel fetches to use: --fetch-jobs, or a default for the sources.
int fetch_jobs_for(const std::vector<std::string>& arguments, const SourceOptions& options);

}  // namespace sluice
