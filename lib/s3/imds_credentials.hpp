#pragma once
// The last source of the chain: the EC2 instance metadata service, IMDSv2 (a session token from
// PUT /latest/api/token, then the role's credentials under /latest/meta-data/iam/security-credentials/).
#include <string>

#include "s3/aws_credentials.hpp"

namespace sluice {

/// Where and how to ask: AWS_EC2_METADATA_SERVICE_ENDPOINT, else http://169.254.169.254 (or
/// http://[fd00:ec2::254] with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6); AWS_METADATA_SERVICE_TIMEOUT
/// seconds per request (default 1, so a machine without the service is not held up);
/// AWS_EC2_METADATA_DISABLED=true turns the source off.
struct ImdsSettings {
  bool disabled = false;
  std::string endpoint;
  long timeout_ms = 1000;
};
ImdsSettings imds_settings_from(const EnvironmentLookup& lookup);

class ImdsCredentials final : public CredentialProvider {
 public:
  explicit ImdsCredentials(EnvironmentLookup lookup) : settings_(imds_settings_from(lookup)) {}

  /// nullopt when the source is off, or before it has ever answered with credentials: no answer, a refused
  /// token, or no role attached to the instance (this machine is then simply not an EC2 instance with a
  /// role). Once it has answered, a failure is a CredentialError (transient for no answer or 5xx).
  std::optional<AwsCredentials> load() override;

 private:
  std::optional<AwsCredentials> fetch();

  ImdsSettings settings_;
  bool answered_before_ = false;
};

}  // namespace sluice
