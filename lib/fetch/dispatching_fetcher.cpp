#include "fetch/dispatching_fetcher.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"

namespace sluice {

std::string DispatchingFetcher::fetch(const FileRef& file) {
  switch (file.scheme) {
    case FileScheme::local: return local_->fetch(file);
    case FileScheme::s3:
      if (!s3_) throw FileError(fmt::format("{}: no S3 access configured for this run", file.uri));
      return s3_->fetch(file);
    case FileScheme::unloadable: break;
  }
  throw FileError(file.failure);
}

std::string DispatchingFetcher::fetch_current(FileRef& file) {
  if (file.scheme == FileScheme::s3 && s3_) return s3_->fetch_current(file);
  return fetch(file);
}

void DispatchingFetcher::fetch_current_into(FileRef& file, std::string& into) {
  if (file.scheme == FileScheme::s3 && s3_) return s3_->fetch_current_into(file, into);
  if (file.scheme == FileScheme::local) return local_->fetch_into(file, into);
  into = fetch(file);
}

bool DispatchingFetcher::read_ahead(const FileRef& file) {
  return file.scheme == FileScheme::local && local_->read_ahead(file);
}

bool DispatchingFetcher::identify(FileRef& file) {
  if (file.scheme == FileScheme::s3 && s3_) return s3_->identify(file);
  return false;
}

}  // namespace sluice
