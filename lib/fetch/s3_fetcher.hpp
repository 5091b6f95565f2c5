#pragma once
// GETs s3://bucket/key files (the uris S3Source yields), with the client's retries and bounds.
#include <cstdint>
#include <memory>
#include <string>

#include "core/errors.hpp"
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
  /// A HEAD: `file` gets the object's size and ETag. False when S3 answers an error (a HEAD's answer has no
  /// body to name it: the GET that follows fails the file with S3's own words), FatalError when the error is
  /// about the environment (no answer at all: DNS, TLS, proxy; transient faults past the retries).
  bool identify(FileRef& file) override;

 private:
  std::string get(const FileRef& file, std::string_view if_match, std::string* etag_out);
  /// An S3 error about the environment as the FatalError that stops the run.
  static FatalError environment_error(const S3RequestError& error);

  std::shared_ptr<S3Client> client_;
  std::uint64_t max_bytes_;
};

}  // namespace sluice
