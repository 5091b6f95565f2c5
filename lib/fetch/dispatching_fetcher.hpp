#pragma once
// One Fetcher for a run whose sources mix local folders and s3:// prefixes: each uri goes to the fetcher
// of its kind.
#include <memory>
#include <string>

#include "fetch/fetcher.hpp"

namespace sluice {

class DispatchingFetcher final : public Fetcher {
 public:
  /// `s3` may be null when no source is on S3; an s3:// uri then fails as that file's error.
  DispatchingFetcher(std::unique_ptr<Fetcher> local, std::unique_ptr<Fetcher> s3)
      : local_(std::move(local)), s3_(std::move(s3)) {}

  /// By the file's scheme; an unloadable entry fails with its reason.
  std::string fetch(const FileRef& file) override;
  std::string fetch_current(FileRef& file) override;
  void fetch_current_into(FileRef& file, std::string& into) override;
  bool identify(FileRef& file) override;
  bool read_ahead(const FileRef& file) override;

 private:
  std::unique_ptr<Fetcher> local_;
  std::unique_ptr<Fetcher> s3_;
};

}  // namespace sluice
