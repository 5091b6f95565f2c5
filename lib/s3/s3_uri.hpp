#pragma once
// `s3://bucket/prefix` arguments and `s3://bucket/key` file uris: recognised and split, nothing fetched.
#include <string>
#include <string_view>

namespace sluice {

/// A bucket and a key (or key prefix, possibly empty) exactly as written after the bucket's '/'.
struct S3Uri {
  std::string bucket;
  std::string key;
};

/// True when `text` starts with "s3://".
bool is_s3_uri(std::string_view text);

/// Splits `s3://bucket[/key]`. Throws UsageError (naming `text`) when the scheme is not s3:// or the
/// bucket name breaks the S3 naming rules (3-63 of a-z 0-9 . -, starting and ending with a letter or digit).
S3Uri parse_s3_uri(std::string_view text);

/// `s3://bucket/key`: the uri a listed object gets in the ledger.
std::string s3_uri_string(std::string_view bucket, std::string_view key);

}  // namespace sluice
