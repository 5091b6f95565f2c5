#include "fetch/dispatching_fetcher.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "source/s3_uri.hpp"

namespace sluice {

std::string DispatchingFetcher::fetch(const FileRef& file) {
  if (!is_s3_uri(file.uri)) return local_->fetch(file);
  if (!s3_) throw FileError(fmt::format("{}: no S3 access configured for this run", file.uri));
  return s3_->fetch(file);
}

}  // namespace sluice
