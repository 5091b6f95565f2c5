#include "run/sources.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/errors.hpp"
#include "fetch/dispatching_fetcher.hpp"
#include "fetch/s3_fetcher.hpp"
#include "s3/credential_chain.hpp"
#include "s3/s3_client.hpp"
#include "s3/s3_uri.hpp"
#include "source/file_uri.hpp"
#include "source/local_source.hpp"
#include "source/manifest.hpp"
#include "source/s3_source.hpp"

namespace sluice {
namespace {

// Credentials come from the AWS chain (credential_chain.hpp), asked at the first request: a run that never
// touches S3 never probes instance metadata.
std::shared_ptr<S3Client> make_s3_client(const SourceOptions& options, Logger& logger, RunStats* stats) {
  const EnvironmentLookup environment = process_environment();
  S3Settings settings = s3_settings_from(environment, {options.s3_endpoint, options.s3_region});
  settings.credentials = default_credentials(environment, logger);
  std::function<void()> on_retry;
  if (stats != nullptr) on_retry = [stats] { stats->retries += 1; };
  return std::make_shared<S3Client>(std::move(settings), logger, RetryPolicy{}, std::move(on_retry));
}

// Asks the chain before the first listing, so a source that is set up wrong (a half-set key pair, a missing
// profile, an STS refusal) is reported as such before anything loads, and anonymous access is said aloud.
void check_credentials(const S3Settings& settings, Logger& logger) {
  try {
    if (!settings.credentials->current())
      logger.warn(
          "S3: no credentials in the environment, web identity, AWS profile files, container or instance "
          "metadata: requests are anonymous");
  } catch (const CredentialError& error) {
    if (error.transient) throw FatalError(fmt::format("S3 credentials: {}", error.what()));
    throw UsageError(fmt::format("S3 credentials: {}", error.what()));
  }
}

}  // namespace

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
    if (is_file_uri(argument)) {
      std::string path, error;
      if (!local_path_from_uri(argument, path, error)) throw UsageError(fmt::format("source {}", error));
      sources.push_back(std::make_unique<LocalSource>(path, listing));
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

bool any_s3_source(const std::vector<std::string>& arguments) {
  return std::any_of(arguments.begin(), arguments.end(),
                     [](const std::string& argument) { return is_s3_uri(argument); });
}

int fetch_jobs_for(bool files_from_s3, const SourceOptions& options) {
  if (options.fetch_jobs > 0) return options.fetch_jobs;
  return files_from_s3 ? 8 : 2;
}

}  // namespace sluice
