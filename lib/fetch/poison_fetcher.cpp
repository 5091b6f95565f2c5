#include "fetch/poison_fetcher.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"

namespace sluice {

std::string poison_uri(std::string_view topic, std::int32_t partition, std::int64_t offset) {
  return fmt::format("kafka://{}/{}/{}", topic, partition, offset);
}

void PoisonFetcher::mark(const std::string& uri, std::string reason) {
  std::lock_guard lock(mutex_);
  reasons_[uri] = std::move(reason);
}

void PoisonFetcher::clear() {
  std::lock_guard lock(mutex_);
  reasons_.clear();
}

std::string PoisonFetcher::fetch(const FileRef& file) {
  if (!file.uri.starts_with("kafka://")) return inner_.fetch(file);
  std::lock_guard lock(mutex_);
  const auto found = reasons_.find(file.uri);
  throw FileError(fmt::format("poison message: {}", found != reasons_.end() ? found->second : "no file to load"));
}

}  // namespace sluice
