#pragma once
// From SOURCE arguments to a FileSource, and the Fetcher that reads what it lists: the one place that
// knows every kind of source and fetcher.
#include <memory>
#include <string>
#include <vector>

#include "core/logger.hpp"
#include "core/run_stats.hpp"
#include "fetch/fetcher.hpp"
#include "source/file_source.hpp"

namespace sluice {

struct SourceOptions {
  std::vector<std::string> include;  ///< file name patterns for folders and S3 prefixes; empty: the defaults
  std::uint64_t max_file_bytes = 4ull << 30;
  int fetch_jobs = 0;         ///< parallel reads/GETs; 0: a default that suits the sources
  std::string s3_endpoint;    ///< --s3-endpoint: wins over AWS_ENDPOINT_URL; path-style addressing when set
  std::string s3_region;      ///< --s3-region: wins over AWS_REGION / AWS_DEFAULT_REGION
  double settle_seconds = 0;  ///< local files younger than this are not listed yet (--settle, watch mode)
};

/// One source per argument (folder, file, glob, s3://bucket/prefix), chained. Throws UsageError for an argument
/// that names nothing or an S3 prefix that cannot be listed (wrong secret, no such bucket). S3 retries are
/// counted in `stats` when given.
std::unique_ptr<FileSource> make_sources(const std::vector<std::string>& arguments, const SourceOptions& options,
                                         Logger& logger, RunStats* stats = nullptr);

/// A fetcher for every kind of uri the sources yield (local paths and s3:// objects). S3 retries are counted
/// in `stats` when given.
std::unique_ptr<Fetcher> make_fetcher(const SourceOptions& options, Logger& logger, RunStats* stats = nullptr);

/// Whether any argument names an S3 prefix or object.
bool any_s3_source(const std::vector<std::string>& arguments);

/// Parallel fetches to use: --fetch-jobs, or 8 when files may come from S3 (GETs wait on the network), else 2.
int fetch_jobs_for(bool files_from_s3, const SourceOptions& options);

}  // namespace sluice
