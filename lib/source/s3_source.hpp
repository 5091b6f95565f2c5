#pragma once
// The objects under s3://bucket/prefix, listed lazily: one ListObjectsV2 page (1,000 keys) is held at a time
// and the next one is asked for only when this one is used up, so a prefix of millions of keys costs one page.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/logger.hpp"
#include "s3/s3_client.hpp"
#include "s3/s3_listing.hpp"
#include "s3/s3_uri.hpp"
#include "source/file_source.hpp"

namespace sluice {

class S3Source final : public FileSource {
 public:
  /// Lists `uri`'s prefix with `client`. A key counts when it equals the prefix (an object named directly) or
  /// its last path segment matches one of `include` (fnmatch) and does not start with '.'; "folder" marker
  /// keys ending in '/' never count. Asks for the first page at once, so a wrong bucket or secret is reported
  /// before anything is loaded. Throws UsageError when S3 refuses the listing (403, 404, ...). Tells `logger`
  /// how many keys and pages the prefix held once the listing ends.
  S3Source(S3Uri uri, std::shared_ptr<S3Client> client, std::vector<std::string> include, Logger& logger,
           int page_keys = 1000);

  std::optional<FileRef> next() override;

  /// ListObjectsV2 pages asked for so far.
  [[nodiscard]] std::size_t pages_listed() const { return pages_listed_; }

 private:
  void list_next_page();
  [[nodiscard]] bool included(const std::string& key) const;

  S3Uri uri_;
  std::shared_ptr<S3Client> client_;
  std::vector<std::string> include_;
  Logger& logger_;
  int page_keys_;
  S3ListingPage page_;
  std::size_t next_object_ = 0;
  bool more_pages_ = true;
  std::size_t pages_listed_ = 0;
  std::size_t keys_listed_ = 0;
  std::size_t keys_included_ = 0;
  bool reported_ = false;  // the end of the listing is logged once
};

}  // namespace sluice
