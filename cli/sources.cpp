#include "sources.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/errors.hpp"
#include "fetch/dispatching_fetcher.hpp"
#include "fetch/s3_client.hpp"
#include "fetch/s3_fetcher.hpp"
#include "source/local_source.hpp"
#include "source/manifest.hpp"
#include "source/s3_source.hpp"
#include "source/s3_uri.hpp"

namespace sluice {
namespace {

std::shared_ptr<S3Client> make_s3_client(const SourceOptions& options, Logger& logger, RunStats* stats) {
  S3Settings settings = s3_settings_from_environment({options.s3_endpoint, options.s3_region});
  std::function<void()> on_retry;
  if (stats != nullptr) on_retry = [stats] { stats->retries += 1; };
  return std::make_shared<S3Client>(std::move(settings), logger, RetryPolicy{}, std::move(on_retry));
}

// A half-set pair is a typo, not a wish for anonymous access: say so before any request.
void check_credentials(const S3Settings& settings, Logger& logger) {
  if (settings.access_key_id.empty() != settings.secret_access_key.empty())
    throw UsageError("S3: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (anonymous access)");
  if (!settings.has_credentials())
    logger.warn("S3: no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: requests are anonymous");
}

}  // namespace

void add_source_options(CLI::App& command, SourceOptions& options) {
  command.add_option("--include", options.include,
                     "file name patterns to load from folders and S3 prefixes "
                     "(default: *.csv, *.csv.gz, *.csv.zst, *.tsv*, *.txt*)");
  command.add_option("--max-file-bytes", options.max_file_bytes, "largest file accepted, after decompression");
  command.add_option("--fetch-jobs", options.fetch_jobs, "parallel file reads / S3 GETs (default: 2 local, 8 S3)")
      ->check(CLI::Range(0, 256));
  command.add_option("--s3-endpoint", options.s3_endpoint,
                     "S3-compatible endpoint URL, path-style addressing (default: AWS_ENDPOINT_URL, else AWS)");
  command.add_option("--s3-region", options.s3_region,
                     "S3 region (default: AWS_REGION, AWS_DEFAULT_REGION, us-east-1)");
}

std::unique_ptr<FileSource> make_sources(const std::vector<std::string>& arguments, const SourceOptions& options,
                                         Logger& logger, RunStats* stats) {
  LocalListing listing;
  if (!options.include.empty()) listing.include = options.include;
  listing.min_age_seconds = options.settle_seconds;
  listing.on_skipped = [&logger](const std::string& path, const std::string& reason) {
    logger.warn(fmt::format("{}: not listed: {}", path, reason));
  };
  std::shared_ptr<S3Client> s3_client;  // one for all S3 arguments, made at the first
  std::vector<std::unique_ptr<FileSource>> sources;
  for (const std::string& argument : arguments) {
    if (argument.starts_with("@")) {  // a manifest written by `sluice plan`
      sources.push_back(std::make_unique<ManifestSource>(argument.substr(1)));
      continue;
    }
    if (!is_s3_uri(argument)) {
      sources.push_back(std::make_unique<LocalSource>(argument, listing));
      continue;
    }
    S3Uri uri = parse_s3_uri(argument);
    if (!s3_client) {
      s3_client = make_s3_client(options, logger, stats);
      check_credentials(s3_client->settings(), logger);
    }
    sources.push_back(std::make_unique<S3Source>(std::move(uri), s3_client, listing.include, logger));
  }
  return std::make_unique<SourceChain>(std::move(sources));
}

std::unique_ptr<Fetcher> make_fetcher(const SourceOptions& options, Logger& logger, RunStats* stats) {
  // Settings are read from the environment here as well: a run without S3 sources never sends a request,
  // and a bad AWS_ENDPOINT_URL has already been reported by make_sources when one is used.
  std::unique_ptr<Fetcher> s3;
  try {
    s3 = std::make_unique<S3Fetcher>(make_s3_client(options, logger, stats), options.max_file_bytes);
  } catch (const UsageError&) {
    if (!options.s3_endpoint.empty()) throw;  // a flag given on purpose is checked even without S3 sources
  }
  return std::make_unique<DispatchingFetcher>(std::make_unique<LocalFetcher>(options.max_file_bytes), std::move(s3));
}

int fetch_jobs_for(const std::vector<std::string>& arguments, const SourceOptions& options) {
  if (options.fetch_jobs > 0) return options.fetch_jobs;
  const bool any_s3 =
      std::any_of(arguments.begin(), arguments.end(), [](const std::string& argument) { return is_s3_uri(argument); });
  return any_s3 ? 8 : 2;
}

}  // namespace sluice
