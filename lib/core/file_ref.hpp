#pragma once
// What a source yields: enough to find a file and to tell whether it changed since it was loaded.
#include <cstdint>
#include <string>

namespace sluice {

/// One input file. `uri` is an absolute local path or `s3://bucket/key`; `etag` is the S3 ETag or,
/// for local files, the modification time in nanoseconds. uri + size + etag is the ledger identity.
struct FileRef {
  std::string uri;
  std::uint64_t size = 0;
  std::string etag;
};

}  // namespace sluice
