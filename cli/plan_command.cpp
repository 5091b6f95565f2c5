#include "plan_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "core/errors.hpp"
#include "fetch/decompress.hpp"
#include "pipeline/unit_planner.hpp"
#include "run/run_session.hpp"
#include "run/sources.hpp"
#include "shared_options.hpp"
#include "source/manifest.hpp"

namespace sluice {
namespace {

// Rows per stored byte, from the first file (decompressed and counted); 0 when it cannot be read.
double rows_per_byte(const FileRef& sample, Fetcher& fetcher, std::uint64_t max_bytes) {
  try {
    const std::string content = decompress(fetcher.fetch(sample), max_bytes);
    const auto lines = std::count(content.begin(), content.end(), '\n');
    return sample.size > 0 && lines > 1 ? static_cast<double>(lines - 1) / static_cast<double>(sample.size) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

void print_summary(FileSource& source, Fetcher& fetcher, const PlanOptions& options) {
  std::uint64_t files = 0, bytes = 0;
  double density = 0;
  while (auto file = source.next()) {
    if (files == 0) density = rows_per_byte(*file, fetcher, options.source.max_file_bytes);
    ++files;
    bytes += file->size;
  }
  std::cout << fmt::format("{{\"files\": {}, \"bytes\": {}, \"estimated_rows\": {:.0f}}}\n", files, bytes,
                           density * static_cast<double>(bytes));
}

void write_manifests(FileSource& source, const PlanOptions& options) {
  std::filesystem::create_directories(options.out);
  std::vector<std::unique_ptr<ManifestWriter>> writers;
  for (std::uint64_t i = 0; i < options.shards; ++i) {
    const std::string path =
        (std::filesystem::path(options.out) / fmt::format("shard-{:04}-of-{:04}.json", i, options.shards)).string();
    writers.push_back(std::make_unique<ManifestWriter>(path, fmt::format("{}/{}", i, options.shards)));
  }
  while (auto file = source.next()) {
    const Shard owner{stable_hash_shard(file->uri, options.shards), options.shards};
    writers[owner.index]->add(*file);
  }
  // One JSON line on stdout: what Airflow's dynamic task mapping expands over.
  std::string listing;
  for (std::size_t i = 0; i < writers.size(); ++i) {
    ManifestWriter& writer = *writers[i];
    writer.close();
    listing += fmt::format(
        "{}{{\"shard\": \"{}/{}\", \"manifest\": {}, \"files\": {}, \"bytes\": {}}}", i == 0 ? "" : ", ", i,
        options.shards, json_quote(std::filesystem::absolute(writer.path()).string()), writer.files(), writer.bytes());
  }
  std::cout << "[" << listing << "]\n";
}

}  // namespace

void add_plan_command(CLI::App& app, PlanOptions& options, int& exit_code) {
  CLI::App* command =
      app.add_subcommand("plan", "Split SOURCEs into disjoint manifests for fan-out, or summarise them");
  command->add_option("sources", options.sources, "folders, files, globs, s3://bucket/prefix")->required();
  add_source_options(*command, options.source);
  command->add_option("--shards", options.shards, "write this many disjoint manifests (by stable uri hash)")
      ->check(CLI::Range(1, 100000));
  command->add_option("--out", options.out, "folder for the manifests (with --shards)");
  command->add_option("--log-format", options.log_format, "log lines as text or json")
      ->check(CLI::IsMember({"text", "json"}));
  command->callback([&options, &exit_code] {
    if (options.shards > 0 && options.out.empty()) throw UsageError("plan: --shards needs --out DIR");
    Logger logger(parse_log_format(options.log_format));
    std::unique_ptr<FileSource> source = make_sources(options.sources, options.source, logger);
    if (options.shards == 0) {
      std::unique_ptr<Fetcher> fetcher = make_fetcher(options.source, logger);
      print_summary(*source, *fetcher, options);
    } else {
      write_manifests(*source, options);
    }
    exit_code = 0;
  });
}

}  // namespace sluice
