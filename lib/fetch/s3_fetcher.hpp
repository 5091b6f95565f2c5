#pragma once
// GETs s3://bucket/key files (the uris S3Source yields), with the client's retries and bounds.
#include <cstdint>
#include <memory>
#include <string>

#include "fetch/fetcher.hpp"
#include "s3/s3_client.hpp"

namespace sluice {

class S3Fetcher final : public Fetcher {
 public:
  S3Fetcher(std::shared_ptr<S3Client> client, std::uint64_t max_bytes)
      : client_(std::move(client)), max_bytes_(max_bytes) {}

  /// The object's bytes. Throws FileError ("s3://b/k: 404 NoSuchKey: ...") when S3 refuses it, it is over
  /// the size limit, or it changed since it was listed; FatalError when S3 stays unreachable after retries.
  /// The listed version (If-Match on its ETag: 412 when the object changed since).
  std::string fetch(const FileRef& file) override;
  /// The object as it is now, whatever version the listing or the event named; `file` gets the ETag and size
  /// of what was read. A stale or bare announcement then loads (or skips, under the ledger's lock) the very
  /// version the ledger will record.
  std::string fetch_current(FileRef& file) override;

 private:
  std::string get(const FileRef& file, std::string_view if_match, std::string* etag_out);

  std::shared_ptr<S3Client> client_;
  std::uint64_t max_bytes_;
};

}  // namespace sluice
