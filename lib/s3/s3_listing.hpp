#pragma once
// One page of a ListObjectsV2 answer (XML) as values: keys, sizes, etags and where the next page starts.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

/// One listed object. `etag` is the ETag without its surrounding quotes.
struct S3Object {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
};

/// One page. When `truncated`, `next_token` is the continuation-token of the next page.
struct S3ListingPage {
  std::vector<S3Object> objects;
  bool truncated = false;
  std::string next_token;
};

/// Parses a ListBucketResult document (XML entities decoded). Throws std::runtime_error saying what is wrong
/// when `xml` is not one: not XML, another root element, a Contents without Key or with a bad Size, or a
/// truncated page without NextContinuationToken (following it would loop forever).
S3ListingPage parse_list_objects_v2(std::string_view xml);

/// `etag` without one pair of surrounding double quotes (S3 sends "\"d41d8...\"").
std::string unquote_etag(std::string_view etag);

}  // namespace sluice
