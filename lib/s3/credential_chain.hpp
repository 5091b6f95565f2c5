#pragma once
// The order in which sources are asked for credentials, as the AWS CLI and SDKs document it.
#include <memory>
#include <vector>

#include "core/logger.hpp"
#include "s3/aws_credentials.hpp"
#include "s3/credential_cache.hpp"

namespace sluice {

/// 1. the environment (AWS_ACCESS_KEY_ID ...), 2. web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN),
/// 3. the shared files (AWS_PROFILE in ~/.aws/credentials, ~/.aws/config), 4. the container endpoint
/// (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI), 5. EC2 instance metadata (IMDSv2). The first source
/// that is set up gives the credentials; each reads its settings through `lookup`.
std::vector<std::unique_ptr<CredentialProvider>> default_credential_chain(const EnvironmentLookup& lookup);

/// A CredentialCache over the default chain.
std::shared_ptr<CredentialCache> default_credentials(const EnvironmentLookup& lookup, Logger& logger);

}  // namespace sluice
