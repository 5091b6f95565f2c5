#pragma once
// The web identity source (EKS service accounts, any OIDC provider): AWS_WEB_IDENTITY_TOKEN_FILE holds a
// token that STS AssumeRoleWithWebIdentity exchanges for temporary credentials of AWS_ROLE_ARN. The file is
// read again at every refresh: the cluster rotates the token.
#include <string>
#include <string_view>

#include "s3/aws_credentials.hpp"

namespace sluice {

/// Reads an AssumeRoleWithWebIdentity answer. Throws CredentialError (not transient) for a document that is
/// not one or lacks a key, secret, token or expiration.
AwsCredentials parse_assume_role_with_web_identity(std::string_view xml);

/// The Code and Message of an STS <ErrorResponse>; empty when the body is not one.
struct StsError {
  std::string code;
  std::string message;
};
StsError parse_sts_error(std::string_view xml);

/// Whether STS refused with a code worth asking again for later (throttling, the identity provider
/// unreachable), besides 5xx and 429.
bool sts_error_is_transient(std::string_view code);

/// The STS endpoint: AWS_ENDPOINT_URL_STS, else the one of AWS_REGION / AWS_DEFAULT_REGION
/// (https://sts.REGION.amazonaws.com), else the global https://sts.amazonaws.com.
std::string sts_endpoint(const EnvironmentLookup& lookup);

class WebIdentityCredentials final : public CredentialProvider {
 public:
  explicit WebIdentityCredentials(EnvironmentLookup lookup) : lookup_(std::move(lookup)) {}

  /// nullopt when AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are unset. Throws CredentialError when only one
  /// is set, the token file cannot be read, or STS refuses (transient for no answer, 5xx, throttling).
  std::optional<AwsCredentials> load() override;

 private:
  EnvironmentLookup lookup_;
};

}  // namespace sluice
