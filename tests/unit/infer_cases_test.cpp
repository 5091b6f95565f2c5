// `sluice infer` on real-world-shaped samples: tests/infer/<case>/ holds sample files (*.csv, made by
// make_samples.py), the config infer must print for them (expected.json) and its notes (expected_notes.txt).
// SLUICE_INFER_UPDATE=1 rewrites the expected files from what infer says now, to be reviewed in the diff.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "infer/infer.hpp"
#include "parse/file_parser.hpp"
#include "parse_outcome.hpp"

namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in, "cannot read " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// "N valid" and the reject reasons, sorted, of `text` parsed with `config`.
}  // namespace

TEST_CASE("infer: real-world-shaped samples give the expected config, which loads them without a reject") {
  const std::filesystem::path root = SLUICE_INFER_CASES_DIR;
  const bool update = std::getenv("SLUICE_INFER_UPDATE") != nullptr;
  std::vector<std::filesystem::path> cases;
  for (const auto& entry : std::filesystem::directory_iterator(root))
    if (entry.is_directory()) cases.push_back(entry.path());
  std::sort(cases.begin(), cases.end());
  CHECK(cases.size() >= 6);
  for (const std::filesystem::path& folder : cases) {
    CAPTURE(folder.filename().string());
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      if (entry.path().extension() == ".csv") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    REQUIRE(!files.empty());
    std::vector<std::string> texts;
    for (const auto& file : files) texts.push_back(read_text(file));
    const auto result = sluice::infer({texts.begin(), texts.end()}, {10'000, files.front().stem().string()});
    std::string notes;
    for (const std::string& note : result.notes) notes += note + "\n";
    const std::string printed = sluice::config_json(result.config);
    if (update) {
      write_text(folder / "expected.json", printed);
      write_text(folder / "expected_notes.txt", notes);
    }
    // Parsing and printing the expected file again normalises its layout.
    const auto expected = sluice::parse_config(read_text(folder / "expected.json"), "expected.json");
    CHECK(printed == sluice::config_json(expected));
    CHECK(notes == read_text(folder / "expected_notes.txt"));
    for (std::size_t i = 0; i < files.size(); ++i) {
      CAPTURE(files[i].filename().string());
      const std::size_t rows = static_cast<std::size_t>(std::count(texts[i].begin(), texts[i].end(), '\n')) - 1;
      CHECK(parse_outcome(result.config, texts[i]) == std::to_string(rows) + " valid");
    }
  }
}
