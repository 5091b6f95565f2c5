#pragma once
// Where S3 is and who we are: the AWS environment conventions plus the --s3-* flags, and the URL of a request.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "s3/credential_cache.hpp"

namespace sluice {

struct S3Settings {
  std::string region = "us-east-1";
  std::string endpoint;  ///< "http(s)://host[:port]" without a trailing '/'; empty: AWS itself
  /// Where requests get their signing credentials (credential_chain.hpp); null: every request is anonymous.
  std::shared_ptr<CredentialCache> credentials;
};

/// Flags that win over the environment when not empty.
struct S3Overrides {
  std::string endpoint;  ///< --s3-endpoint
  std::string region;    ///< --s3-region
};

/// Reads AWS_REGION (else AWS_DEFAULT_REGION, else the profile's region in the AWS config file, else
/// us-east-1) and AWS_ENDPOINT_URL through `lookup`, then applies `overrides`. Leaves `credentials` null.
/// Throws UsageError for an endpoint that is not an http:// or https:// URL.
S3Settings s3_settings_from(const EnvironmentLookup& lookup, const S3Overrides& overrides);

/// The URL of `key` in `bucket` (key may be empty: the bucket itself), `query` already canonical (may be
/// empty). Path style (endpoint/bucket/key) when an endpoint is set or the bucket name holds a dot (TLS
/// wildcard certificates do not cover it); virtual-host style (https://bucket.s3.region.amazonaws.com/key)
/// otherwise.
std::string s3_request_url(const S3Settings& settings, std::string_view bucket, std::string_view key,
                           std::string_view query);

}  // namespace sluice
