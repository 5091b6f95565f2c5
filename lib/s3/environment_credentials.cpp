#include "s3/environment_credentials.hpp"

namespace sluice {

std::optional<AwsCredentials> EnvironmentCredentials::load() {
  AwsCredentials credentials;
  credentials.access_key_id = environment_value(lookup_, "AWS_ACCESS_KEY_ID");
  credentials.secret_access_key = environment_value(lookup_, "AWS_SECRET_ACCESS_KEY");
  if (credentials.access_key_id.empty() && credentials.secret_access_key.empty()) return std::nullopt;
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty())
    throw CredentialError("set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither", false);
  credentials.session_token = environment_value(lookup_, "AWS_SESSION_TOKEN");
  credentials.source = "the environment (AWS_ACCESS_KEY_ID)";
  return credentials;
}

}  // namespace sluice
