#include "infer_command.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

#include "core/errors.hpp"
#include "fetch/decompress.hpp"
#include "infer/infer.hpp"

namespace sluice {
namespace {

// Uncompressed files are read up to this many bytes (10,000 rows of even wide CSV fit); compressed
// ones are decompressed whole, up to kMaxDecompressedBytes.
constexpr std::uint64_t kMaxPlainBytes = 64ull << 20;
constexpr std::uint64_t kMaxDecompressedBytes = 4ull << 30;

std::string read_sample(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError(fmt::format("infer: cannot read {}", path));
  std::string head(4, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  in.clear();
  in.seekg(0);
  if (detect_compression(head) != Compression::none) {
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    try {
      return decompress(std::move(bytes), kMaxDecompressedBytes);
    } catch (const FileError& error) {
      throw UsageError(fmt::format("infer: {}: {}", path, error.what()));
    }
  }
  std::string text(kMaxPlainBytes, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() == kMaxPlainBytes) {  // cut after the last whole line
    const std::size_t line_end = text.find_last_of('\n');
    if (line_end != std::string::npos) text.resize(line_end + 1);
  }
  return text;
}

// "AirQualityUCI.csv.gz" -> "AirQualityUCI": the default sensor id when no column holds one.
std::string file_stem(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  for (const char* suffix : {".gz", ".zst", ".csv", ".tsv", ".txt"})
    if (name.size() > std::string_view(suffix).size() && name.ends_with(suffix))
      name.resize(name.size() - std::string_view(suffix).size());
  return name.empty() ? "sensor-1" : name;
}

}  // namespace

void add_infer_command(CLI::App& app, InferCommandOptions& options, int& exit_code) {
  CLI::App* command =
      app.add_subcommand("infer",
                         "Print a config (JSON) guessed from sample FILEs: dialect, columns, types, nulls, ranges; "
                         "review it, then pass it to --config");
  command->add_option("files", options.files, "sample files of one format (plain, .gz or .zst)")->required();
  command->add_option("--rows", options.rows, "data rows read from each file")->check(CLI::Range(1, 100'000'000));
  command->add_flag("--quiet", options.quiet, "no notes about the guesses on stderr");
  command->callback([&options, &exit_code] {
    std::vector<std::string> texts;
    for (const std::string& file : options.files) texts.push_back(read_sample(file));
    const std::vector<std::string_view> samples(texts.begin(), texts.end());
    const InferResult result = infer(samples, InferOptions{options.rows, file_stem(options.files.front())});
    if (!options.quiet)
      for (const std::string& note : result.notes) std::cerr << "sluice infer: " << note << "\n";
    std::cout << config_json(result.config);
    exit_code = 0;
  });
}

}  // namespace sluice
