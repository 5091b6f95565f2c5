#pragma once
// The first source of the chain: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
#include "s3/aws_credentials.hpp"

namespace sluice {

class EnvironmentCredentials final : public CredentialProvider {
 public:
  explicit EnvironmentCredentials(EnvironmentLookup lookup) : lookup_(std::move(lookup)) {}

  /// The key pair (and session token) when both are set; nullopt when neither is. Throws CredentialError
  /// when only one is: a typo, not a wish for another source.
  std::optional<AwsCredentials> load() override;

 private:
  EnvironmentLookup lookup_;
};

}  // namespace sluice
