#pragma once
// Gets a file's stored bytes, whatever the source (local disk now; S3 plugs in here).
#include <cstdint>
#include <string>

#include "core/file_ref.hpp"

namespace sluice {

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  /// The file's bytes as stored (maybe compressed). Throws FileError for a problem of this file only.
  virtual std::string fetch(const FileRef& file) = 0;
  /// Like fetch, but reads the version there is now and sets `file`'s version to the one read, so the ledger
  /// records exactly what was loaded. A source whose reads are pinned to the listed version keeps fetch's.
  virtual std::string fetch_current(FileRef& file) { return fetch(file); }
  /// fetch into `into`, whose capacity a source may reuse (a buffer handed from file to file).
  virtual void fetch_into(const FileRef& file, std::string& into) { into = fetch(file); }
  /// Like fetch_current, into `into` (likewise).
  virtual void fetch_current_into(FileRef& file, std::string& into) { into = fetch_current(file); }
  /// Sets `file`'s size and version to the ones there are now, without reading it, when the source can tell
  /// cheaply (an S3 HEAD). Returns false when it cannot (the read will then find out, and name any error).
  /// Throws FatalError for an error about the environment, like fetch.
  virtual bool identify(FileRef& /*file*/) { return false; }
  /// Asks the operating system to start reading `file` into its cache, without holding its bytes, when the
  /// source can (a local file). True: the fetch that follows finds the bytes on their way, so it can wait until
  /// a parser is free to take them into a buffer it reuses. False: nothing was started; fetch ahead instead.
  virtual bool read_ahead(const FileRef& /*file*/) { return false; }
};

class LocalFetcher final : public Fetcher {
 public:
  explicit LocalFetcher(std::uint64_t max_bytes) : max_bytes_(max_bytes) {}
  std::string fetch(const FileRef& file) override;
  void fetch_into(const FileRef& file, std::string& into) override;
  /// A file that changed since it was listed is looked at again (a few times) and read as it is now.
  std::string fetch_current(FileRef& file) override;
  void fetch_current_into(FileRef& file, std::string& into) override;
  bool read_ahead(const FileRef& file) override;

 private:
  std::uint64_t max_bytes_;
};

}  // namespace sluice
