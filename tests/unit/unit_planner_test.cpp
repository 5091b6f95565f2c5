// UnitPlanner: batches, shards, units by size and count, ledger skips (loaded, given up), links loaded once.
#include <doctest/doctest.h>

#include <map>
#include <set>

#include "pipeline/unit_planner.hpp"
#include "source/vector_source.hpp"

namespace {

using sluice::FileRef;
using sluice::LedgerRow;
using sluice::LedgerState;

class MapLedger final : public sluice::Ledger {
 public:
  std::map<std::string, LedgerRow> rows;
  int lookups = 0;
  std::vector<std::optional<LedgerRow>> current(const std::vector<FileRef>& files) override {
    ++lookups;
    std::vector<std::optional<LedgerRow>> out;
    for (const FileRef& file : files) {
      auto found = rows.find(file.uri);
      out.push_back(found == rows.end() ? std::nullopt : std::optional<LedgerRow>(found->second));
    }
    return out;
  }
  std::vector<std::int64_t> allocate_ids(std::size_t count) override {
    std::vector<std::int64_t> ids(count);
    for (auto& id : ids) id = ++next;
    return ids;
  }
  void mark_disposed(std::int64_t) override {}
  std::int64_t next = 0;
};

FileRef local(const std::string& uri, std::uint64_t size = 100, std::uint64_t inode = 0) {
  FileRef ref = FileRef::local(uri, size, 1'000);
  ref.device = 1;
  ref.inode = inode;
  return ref;
}

std::vector<sluice::UnitPlan> all_units(sluice::UnitPlanner& planner) {
  std::vector<sluice::UnitPlan> out;
  while (auto unit = planner.next()) out.push_back(std::move(*unit));
  return out;
}

}  // namespace

TEST_CASE("unit_planner: batches of --batch-files, one ledger lookup each, units closed by size or count") {
  std::vector<FileRef> files;
  for (int i = 0; i < 25; ++i) files.push_back(local("/in/" + std::to_string(i) + ".csv", 400));
  sluice::VectorSource source(files);
  MapLedger ledger;
  sluice::RunStats stats;
  sluice::PlannerOptions options;
  options.batch_files = 10;
  options.unit_bytes = 1'000;  // closes after 3 files of 400 bytes
  sluice::UnitPlanner planner(source, ledger, options, stats);
  const auto units = all_units(planner);
  CHECK(ledger.lookups == 3);
  CHECK(stats.batches == 3);
  CHECK(stats.files_listed == 25);
  std::size_t planned = 0;
  std::set<std::int64_t> ids;
  for (const auto& unit : units) {
    CHECK(unit.files.size() <= 3);
    CHECK(unit.files.size() == unit.file_ids.size());
    planned += unit.files.size();
    ids.insert(unit.file_ids.begin(), unit.file_ids.end());
  }
  CHECK(planned == 25);
  CHECK(ids.size() == 25);  // every file its own id
}

TEST_CASE("unit_planner: shards are disjoint and complete") {
  std::vector<FileRef> files;
  for (int i = 0; i < 200; ++i) files.push_back(local("/in/f" + std::to_string(i) + ".csv"));
  std::set<std::string> seen;
  for (std::uint64_t index = 0; index < 3; ++index) {
    sluice::VectorSource source(files);
    MapLedger ledger;
    sluice::RunStats stats;
    sluice::PlannerOptions options;
    options.shard = sluice::Shard{index, 3};
    sluice::UnitPlanner planner(source, ledger, options, stats);
    for (const auto& unit : all_units(planner))
      for (const FileRef& file : unit.files) CHECK(seen.insert(file.uri).second);
  }
  CHECK(seen.size() == 200);
}

TEST_CASE("unit_planner: loaded and given-up files are skipped and reported; failed ones are retried") {
  std::vector<FileRef> files = {local("/in/loaded.csv"), local("/in/failed.csv"), local("/in/given_up.csv"),
                                local("/in/changed.csv", 200), local("/in/new.csv")};
  MapLedger ledger;
  auto row = [](LedgerState state, std::uint64_t size) {
    LedgerRow out;
    out.size = size;
    out.version = "1000";
    out.state = state;
    out.error = "boom";
    return out;
  };
  ledger.rows["/in/loaded.csv"] = row(LedgerState::loaded, 100);
  ledger.rows["/in/failed.csv"] = row(LedgerState::failed, 100);
  ledger.rows["/in/given_up.csv"] = row(LedgerState::given_up, 100);
  ledger.rows["/in/changed.csv"] = row(LedgerState::loaded, 100);
  sluice::VectorSource source(files);
  sluice::RunStats stats;
  sluice::PlannerOptions options;
  std::vector<std::string> known;
  options.on_known = [&](const FileRef& file, const LedgerRow&) { known.push_back(file.uri); };
  sluice::UnitPlanner planner(source, ledger, options, stats);
  std::set<std::string> planned;
  for (const auto& unit : all_units(planner))
    for (const FileRef& file : unit.files) planned.insert(file.uri);
  CHECK(planned == std::set<std::string>{"/in/failed.csv", "/in/changed.csv", "/in/new.csv"});
  CHECK(stats.files_skipped == 1);
  CHECK(stats.files_given_up == 1);
  REQUIRE(stats.given_up().size() == 1);
  CHECK(stats.given_up()[0].reason == "boom");
  CHECK(known == std::vector<std::string>{"/in/loaded.csv", "/in/given_up.csv"});
}

TEST_CASE("unit_planner: a file reachable under two names (a link) is planned once") {
  std::vector<FileRef> files = {local("/in/a.csv", 100, 7), local("/in/link-to-a.csv", 100, 7),
                                local("/in/b.csv", 100, 8), local("/in/a.csv", 100, 7)};
  sluice::VectorSource source(files);
  MapLedger ledger;
  sluice::RunStats stats;
  sluice::PlannerOptions options;
  std::vector<std::string> links;
  options.on_link = [&](const FileRef& file, const std::string& first) { links.push_back(file.uri + "=" + first); };
  sluice::UnitPlanner planner(source, ledger, options, stats);
  std::vector<std::string> planned;
  for (const auto& unit : all_units(planner))
    for (const FileRef& file : unit.files) planned.push_back(file.uri);
  CHECK(planned == std::vector<std::string>{"/in/a.csv", "/in/b.csv"});
  CHECK(links == std::vector<std::string>{"/in/link-to-a.csv=/in/a.csv"});
  CHECK(stats.files_linked == 1);
}

TEST_CASE("unit_planner: a small batch is cut into min_units units, never below min_unit_bytes") {
  std::vector<FileRef> files;
  for (int i = 0; i < 10; ++i) files.push_back(local("/in/" + std::to_string(i) + ".csv", 4'000'000));
  sluice::RunStats stats;
  MapLedger ledger;
  sluice::PlannerOptions options;  // unit_bytes 8 MiB: three of these files a unit without min_units
  {
    sluice::VectorSource source(files);
    options.min_units = 16;  // 40 MB / 16 = 2.5 MB: every file a unit of its own
    sluice::UnitPlanner planner(source, ledger, options, stats);
    const auto units = all_units(planner);
    CHECK(units.size() == 10);
  }
  {
    sluice::VectorSource source(files);
    options.min_units = 1;  // off: units of unit_bytes (3 + 3 + 3 + 1 files)
    sluice::UnitPlanner planner(source, ledger, options, stats);
    CHECK(all_units(planner).size() == 4);
  }
  {
    sluice::VectorSource source(files);
    options.min_units = 1000;            // 40 KB per unit would be tiny transactions ...
    options.min_unit_bytes = 9'000'000;  // ... the floor wins: > unit_bytes, so unit_bytes closes them
    sluice::UnitPlanner planner(source, ledger, options, stats);
    CHECK(all_units(planner).size() == 4);
  }
}
