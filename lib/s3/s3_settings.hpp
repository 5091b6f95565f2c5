#pragma once
// Where S3 is and who we are: the AWS environment conventions plus the --s3-* flags, and the URL of a request.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

struct S3Settings {
  std::string access_key_id;      ///< AWS_ACCESS_KEY_ID
  std::string secret_access_key;  ///< AWS_SECRET_ACCESS_KEY: a secret, never printed
  std::string session_token;      ///< AWS_SESSION_TOKEN, sent as x-amz-security-token: a secret too
  std::string region = "us-east-1";
  std::string endpoint;  ///< "http(s)://host[:port]" without a trailing '/'; empty: AWS itself

  /// Both the key id and the secret are set (requests are signed); otherwise requests are anonymous.
  [[nodiscard]] bool has_credentials() const { return !access_key_id.empty() && !secret_access_key.empty(); }
};

/// Flags that win over the environment when not empty.
struct S3Overrides {
  std::string endpoint;  ///< --s3-endpoint
  std::string region;    ///< --s3-region
};

/// Reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (else AWS_DEFAULT_REGION,
/// else us-east-1) and AWS_ENDPOINT_URL through `lookup`, then applies `overrides`. Throws UsageError for an
/// endpoint that is not an http:// or https:// URL.
S3Settings s3_settings_from(const std::function<std::optional<std::string>(const char*)>& lookup,
                            const S3Overrides& overrides);

/// The same, from the process environment.
S3Settings s3_settings_from_environment(const S3Overrides& overrides);

/// The URL of `key` in `bucket` (key may be empty: the bucket itself), `query` already canonical (may be
/// empty). Path style (endpoint/bucket/key) when an endpoint is set or the bucket name holds a dot (TLS
/// wildcard certificates do not cover it); virtual-host style (https://bucket.s3.region.amazonaws.com/key)
/// otherwise.
std::string s3_request_url(const S3Settings& settings, std::string_view bucket, std::string_view key,
                           std::string_view query);

}  // namespace sluice
