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
};

class LocalFetcher final : public Fetcher {
 public:
  explicit LocalFetcher(std::uint64_t max_bytes) : max_bytes_(max_bytes) {}
  std::string fetch(const FileRef& file) override;

 private:
  std::uint64_t max_bytes_;
};

}  // namespace sluice
