#pragma once
// The container source (ECS tasks, EKS Pod Identity): an HTTP endpoint named by
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI, with the
// Authorization header from AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN.
#include <string>
#include <string_view>

#include "s3/aws_credentials.hpp"

namespace sluice {

/// Whether a FULL_URI may be asked (and handed the authorization token): https, or http to a loopback
/// address, localhost, or the ECS and EKS Pod Identity link-local hosts (169.254.170.2, 169.254.170.23,
/// [fd00:ec2::23]), as the AWS SDKs allow. Anything else could send the token across a network in clear.
bool container_uri_allowed(std::string_view url);

class ContainerCredentials final : public CredentialProvider {
 public:
  explicit ContainerCredentials(EnvironmentLookup lookup) : lookup_(std::move(lookup)) {}

  /// nullopt when neither URI variable is set. The relative URI wins over the full one and is asked on
  /// 169.254.170.2 (SLUICE_CONTAINER_CREDENTIALS_ENDPOINT replaces that host, for tests); the authorization
  /// token goes with the full URI only. Throws CredentialError for a FULL_URI that is not allowed, an
  /// unreadable token file, an error answer (transient for no answer, 5xx, 429) or a document that is not
  /// credentials.
  std::optional<AwsCredentials> load() override;

 private:
  EnvironmentLookup lookup_;
};

}  // namespace sluice
