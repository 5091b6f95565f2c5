#pragma once
// The shared files source: a profile of ~/.aws/credentials and ~/.aws/config (AWS_PROFILE,
// AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), as the AWS CLI writes them.
#include <optional>
#include <string>

#include "s3/aws_credentials.hpp"
#include "s3/aws_ini.hpp"

namespace sluice {

/// Which files and which profile.
struct SharedFiles {
  std::string credentials_path;  ///< AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials ("~" is $HOME)
  std::string config_path;       ///< AWS_CONFIG_FILE, else ~/.aws/config
  std::string profile;           ///< AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default"
  bool profile_named = false;    ///< named by a variable: a profile that is nowhere is then an error
};

SharedFiles shared_files_from(const EnvironmentLookup& lookup);

/// The profile's settings in the config file: section [profile NAME] (or [default] for "default"); nullptr
/// when there is none.
const std::map<std::string, std::string>* config_file_profile(const IniSections& config, const std::string& profile);

/// The credentials of `files.profile`: its keys in the credentials file ([NAME]), else in the config file.
/// nullopt when neither holds keys. Throws CredentialError for a named profile that is in neither file, a key
/// id without its secret (or the reverse), or a profile that gets its credentials in a way sluice does not
/// implement (role_arn, credential_process, sso_session, ...), rather than silently using another source.
std::optional<AwsCredentials> credentials_from_profile(const IniSections& credentials_file,
                                                       const IniSections& config_file, const SharedFiles& files);

/// The profile's `region` in the config file, when the file is readable and names one.
std::optional<std::string> profile_region(const EnvironmentLookup& lookup);

class ProfileCredentials final : public CredentialProvider {
 public:
  explicit ProfileCredentials(EnvironmentLookup lookup) : lookup_(std::move(lookup)) {}

  /// Reads both files (a missing file holds no profile). Throws CredentialError for an unreadable or
  /// malformed file, and as credentials_from_profile does.
  std::optional<AwsCredentials> load() override;

 private:
  EnvironmentLookup lookup_;
};

}  // namespace sluice
