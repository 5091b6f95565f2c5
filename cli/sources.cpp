#include "sources.hpp"

#include <fmt/format.h>

#include "source/local_source.hpp"

namespace sluice {

void add_source_options(CLI::App& command, SourceOptions& options) {
  command.add_option("--include", options.include,
                     "file name patterns to load from folders (default: *.csv, *.csv.gz, *.csv.zst, *.tsv*, *.txt*)");
  command.add_option("--max-file-bytes", options.max_file_bytes, "largest file accepted, after decompression");
  command.add_option("--fetch-jobs", options.fetch_jobs, "parallel file reads / S3 GETs (default: 2 local, 8 S3)")
      ->check(CLI::Range(0, 256));
}

std::unique_ptr<FileSource> make_sources(const std::vector<std::string>& arguments, const SourceOptions& options,
                                         Logger& logger) {
  LocalListing listing;
  if (!options.include.empty()) listing.include = options.include;
  listing.on_skipped = [&logger](const std::string& path, const std::string& reason) {
    logger.warn(fmt::format("{}: not listed: {}", path, reason));
  };
  std::vector<std::unique_ptr<FileSource>> sources;
  for (const std::string& argument : arguments) sources.push_back(std::make_unique<LocalSource>(argument, listing));
  return std::make_unique<SourceChain>(std::move(sources));
}

std::unique_ptr<Fetcher> make_fetcher(const SourceOptions& options, Logger&) {
  return std::make_unique<LocalFetcher>(options.max_file_bytes);
}

int fetch_jobs_for(const std::vector<std::string>&, const SourceOptions& options) {
  return options.fetch_jobs > 0 ? options.fetch_jobs : 2;
}

}  // namespace sluice
