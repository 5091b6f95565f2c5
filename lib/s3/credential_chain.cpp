#include "s3/credential_chain.hpp"

#include "s3/container_credentials.hpp"
#include "s3/environment_credentials.hpp"
#include "s3/imds_credentials.hpp"
#include "s3/profile_credentials.hpp"
#include "s3/web_identity_credentials.hpp"

namespace sluice {

std::vector<std::unique_ptr<CredentialProvider>> default_credential_chain(const EnvironmentLookup& lookup) {
  std::vector<std::unique_ptr<CredentialProvider>> chain;
  chain.push_back(std::make_unique<EnvironmentCredentials>(lookup));
  chain.push_back(std::make_unique<WebIdentityCredentials>(lookup));
  chain.push_back(std::make_unique<ProfileCredentials>(lookup));
  chain.push_back(std::make_unique<ContainerCredentials>(lookup));
  chain.push_back(std::make_unique<ImdsCredentials>(lookup));
  return chain;
}

std::shared_ptr<CredentialCache> default_credentials(const EnvironmentLookup& lookup, Logger& logger) {
  return std::make_shared<CredentialCache>(default_credential_chain(lookup), logger);
}

}  // namespace sluice
