#include "fetch/fetcher.hpp"

#include <sys/stat.h>

#include "fetch/local_reader.hpp"

namespace sluice {

std::string LocalFetcher::fetch(const FileRef& file) { return read_local_file(file, max_bytes_); }

void LocalFetcher::fetch_into(const FileRef& file, std::string& into) { read_local_file(file, max_bytes_, into); }

bool LocalFetcher::read_ahead(const FileRef& file) {
  read_ahead_local_file(file);
  return true;
}

std::string LocalFetcher::fetch_current(FileRef& file) {
  std::string bytes;
  fetch_current_into(file, bytes);
  return bytes;
}

void LocalFetcher::fetch_current_into(FileRef& file, std::string& into) {
  constexpr int kAttempts = 3;  // a file rewritten again and again is left for a later run
  for (int attempt = 1;; ++attempt) {
    try {
      read_local_file(file, max_bytes_, into);
      return;
    } catch (const FileChangedError&) {
      struct stat info {};
      if (attempt == kAttempts || ::stat(file.uri.c_str(), &info) != 0) throw;
      // The same file rewritten is read again; another file renamed in under the name is not taken here (it
      // may lie outside the folders this file was admitted from): it is looked at by a later run.
      if (file.inode != 0 && (static_cast<std::uint64_t>(info.st_ino) != file.inode ||
                              static_cast<std::uint64_t>(info.st_dev) != file.device))
        throw;
      file.size = static_cast<std::uint64_t>(info.st_size);
      file.mtime_ns = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    }
  }
}

}  // namespace sluice
