#pragma once
// Lets a Kafka message that announces no usable file (a poison message) take the normal failure path:
// it travels the pipeline as a FileRef named kafka://<topic>/<partition>/<offset>, and fetching it
// throws FileError with the reason, so the load stage writes a `failed` ledger row that says why.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fetch/fetcher.hpp"

namespace sluice {

/// The uri a poison message is recorded under.
std::string poison_uri(std::string_view topic, std::int32_t partition, std::int64_t offset);

class PoisonFetcher final : public Fetcher {
 public:
  /// Files that are not kafka:// uris are fetched by `inner`.
  explicit PoisonFetcher(Fetcher& inner) : inner_(inner) {}

  /// Remembers why `uri` (a poison_uri) cannot be loaded. Thread-safe.
  void mark(const std::string& uri, std::string reason);
  /// Forgets every reason (after a batch).
  void clear();

  std::string fetch(const FileRef& file) override;

 private:
  Fetcher& inner_;
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> reasons_;
};

}  // namespace sluice
