// FileDisposer: a queue folder's move or delete happens only to the very file whose rows committed, never
// overwrites an archived file, and records the disposal in the ledger.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/errors.hpp"
#include "pipeline/file_disposer.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::FileRef;

class RecordingLedger final : public sluice::Ledger {
 public:
  std::vector<std::optional<sluice::LedgerRow>> current(const std::vector<FileRef>& files) override {
    return std::vector<std::optional<sluice::LedgerRow>>(files.size());
  }
  std::vector<std::int64_t> allocate_ids(std::size_t count) override { return std::vector<std::int64_t>(count, 1); }
  void mark_disposed(std::int64_t file_id) override { disposed.push_back(file_id); }
  std::vector<std::int64_t> disposed;
};

// The FileRef a listing gives for `path` now.
FileRef listed(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  FileRef ref = FileRef::local(path.string(), static_cast<std::uint64_t>(info.st_size),
                               static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec);
  ref.device = info.st_dev;
  ref.inode = info.st_ino;
  return ref;
}

struct Folder {
  fs::path top = fs::temp_directory_path() / ("sluice_disposer_" + std::to_string(::getpid()));
  Folder() {
    fs::remove_all(top);
    fs::create_directories(top / "in" / "site");
    fs::create_directories(top / "archive");
  }
  ~Folder() { fs::remove_all(top); }
  fs::path write(const std::string& relative, const std::string& text) const {
    std::ofstream(top / "in" / relative) << text;
    return top / "in" / relative;
  }
};

}  // namespace

TEST_CASE("file_disposer: moves the committed file, keeping its path, and records the disposal") {
  Folder folder;
  RecordingLedger ledger;
  sluice::Logger logger(sluice::LogFormat::text, true);
  sluice::FileDisposer disposer(sluice::parse_disposition("move:" + (folder.top / "archive").string(), true, "x"),
                                sluice::Disposition{}, {(folder.top / "in").string()}, ledger, logger);
  const fs::path file = folder.write("site/a.csv", "one\n");
  disposer.settle(listed(file), 7, false, "");
  CHECK_FALSE(fs::exists(file));
  CHECK(fs::exists(folder.top / "archive" / "site" / "a.csv"));
  CHECK(ledger.disposed == std::vector<std::int64_t>{7});

  // A new upload under the same name is archived beside the first, never over it.
  const fs::path again = folder.write("site/a.csv", "two\n");
  disposer.settle(listed(again), 9, false, "");
  CHECK(fs::exists(folder.top / "archive" / "site" / "a.9.csv"));
  std::ifstream first(folder.top / "archive" / "site" / "a.csv");
  std::string line;
  std::getline(first, line);
  CHECK(line == "one");
  CHECK(ledger.disposed == std::vector<std::int64_t>{7, 9});
}

TEST_CASE("file_disposer: a file changed since its commit is left in place, not moved or deleted") {
  Folder folder;
  RecordingLedger ledger;
  sluice::Logger logger(sluice::LogFormat::text, true);
  sluice::FileDisposer deleting(sluice::parse_disposition("delete", true, "x"), sluice::Disposition{},
                                {(folder.top / "in").string()}, ledger, logger);

  const fs::path appended = folder.write("site/b.csv", "rows\n");
  const FileRef committed = listed(appended);
  std::ofstream(appended, std::ios::app) << "appended after the read\n";
  deleting.settle(committed, 3, false, "");
  CHECK(fs::exists(appended));

  const fs::path replaced = folder.write("site/c.csv", "rows\n");
  const FileRef committed_c = listed(replaced);
  const fs::path other = folder.write("site/other.tmp", "rows\n");  // same size, another inode
  fs::rename(other, replaced);
  deleting.settle(committed_c, 4, false, "");
  CHECK(fs::exists(replaced));

  CHECK(ledger.disposed.empty());
  deleting.settle(listed(replaced), 5, false, "");  // now it is the committed one
  CHECK_FALSE(fs::exists(replaced));
  CHECK(ledger.disposed == std::vector<std::int64_t>{5});
}

TEST_CASE("file_disposer: an archive inside a source folder is refused") {
  Folder folder;
  RecordingLedger ledger;
  sluice::Logger logger(sluice::LogFormat::text, true);
  CHECK_THROWS_AS(
      sluice::FileDisposer(sluice::parse_disposition("move:" + (folder.top / "in" / "x").string(), true, "x"),
                           sluice::Disposition{}, {(folder.top / "in").string()}, ledger, logger),
      sluice::UsageError);
  CHECK_THROWS_AS(sluice::parse_disposition("delete", false, "--on-failure"), sluice::UsageError);
}
