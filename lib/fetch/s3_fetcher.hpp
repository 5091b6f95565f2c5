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
  std::string fetch(const FileRef& file) override;

 private:
  std::shared_ptr<S3Client> client_;
  std::uint64_t max_bytes_;
};

}  // namespace sluice
