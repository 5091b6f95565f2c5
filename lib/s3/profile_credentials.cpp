#include "s3/profile_credentials.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice {
namespace {

std::string expand_home(std::string path, const EnvironmentLookup& lookup) {
  if (path == "~" || path.starts_with("~/")) {
    const std::string home = environment_value(lookup, "HOME");
    if (home.empty()) return {};
    path.replace(0, 1, home);
  }
  return path;
}

// A missing file is an empty one (most machines have only one of the two, or none).
IniSections read_ini_file(const std::string& path) {
  std::error_code error;
  if (path.empty() || !std::filesystem::exists(path, error)) return {};
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw CredentialError(fmt::format("cannot read the AWS file {}", path), false);
  try {
    return parse_aws_ini(text.str());
  } catch (const std::runtime_error& parse_error) {
    throw CredentialError(fmt::format("AWS file {}: {}", path, parse_error.what()), false);
  }
}

std::string setting(const std::map<std::string, std::string>* section, const char* key) {
  if (section == nullptr) return {};
  const auto found = section->find(key);
  return found == section->end() ? std::string() : found->second;
}

// Ways of getting credentials the AWS CLI knows and sluice does not.
constexpr const char* kUnsupportedSettings[] = {"role_arn",      "credential_process",      "sso_session",
                                                "sso_start_url", "web_identity_token_file", "login_session"};

}  // namespace

SharedFiles shared_files_from(const EnvironmentLookup& lookup) {
  SharedFiles files;
  std::string credentials = environment_value(lookup, "AWS_SHARED_CREDENTIALS_FILE");
  std::string config = environment_value(lookup, "AWS_CONFIG_FILE");
  files.credentials_path = expand_home(credentials.empty() ? "~/.aws/credentials" : credentials, lookup);
  files.config_path = expand_home(config.empty() ? "~/.aws/config" : config, lookup);
  files.profile = environment_value(lookup, "AWS_PROFILE");
  if (files.profile.empty()) files.profile = environment_value(lookup, "AWS_DEFAULT_PROFILE");
  files.profile_named = !files.profile.empty();
  if (files.profile.empty()) files.profile = "default";
  return files;
}

const std::map<std::string, std::string>* config_file_profile(const IniSections& config, const std::string& profile) {
  if (auto found = config.find("profile " + profile); found != config.end()) return &found->second;
  if (profile == "default")
    if (auto found = config.find("default"); found != config.end()) return &found->second;
  return nullptr;
}

std::optional<AwsCredentials> credentials_from_profile(const IniSections& credentials_file,
                                                       const IniSections& config_file, const SharedFiles& files) {
  const auto in_credentials = credentials_file.find(files.profile);
  const std::map<std::string, std::string>* sections[] = {
      in_credentials == credentials_file.end() ? nullptr : &in_credentials->second,
      config_file_profile(config_file, files.profile)};
  const std::string* paths[] = {&files.credentials_path, &files.config_path};
  if (sections[0] == nullptr && sections[1] == nullptr) {
    if (!files.profile_named) return std::nullopt;
    throw CredentialError(fmt::format("AWS_PROFILE {}: no such profile in {} or {}", files.profile,
                                      files.credentials_path, files.config_path),
                          false);
  }
  for (int i = 0; i < 2; ++i) {
    AwsCredentials credentials;
    credentials.access_key_id = setting(sections[i], "aws_access_key_id");
    credentials.secret_access_key = setting(sections[i], "aws_secret_access_key");
    if (credentials.access_key_id.empty() && credentials.secret_access_key.empty()) continue;
    if (credentials.access_key_id.empty() || credentials.secret_access_key.empty())
      throw CredentialError(fmt::format("profile {} in {}: set both aws_access_key_id and aws_secret_access_key",
                                        files.profile, *paths[i]),
                            false);
    credentials.session_token = setting(sections[i], "aws_session_token");
    credentials.source = fmt::format("profile {} in {}", files.profile, *paths[i]);
    return credentials;
  }
  for (int i = 0; i < 2; ++i)
    for (const char* key : kUnsupportedSettings)
      if (!setting(sections[i], key).empty())
        throw CredentialError(
            fmt::format("profile {} in {} gets its credentials by {}, which sluice does not implement: give the "
                        "profile aws_access_key_id and aws_secret_access_key, or use the environment, "
                        "AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, or the container or instance credentials",
                        files.profile, *paths[i], key),
            false);
  return std::nullopt;
}

std::optional<std::string> profile_region(const EnvironmentLookup& lookup) {
  const SharedFiles files = shared_files_from(lookup);
  try {
    const IniSections config = read_ini_file(files.config_path);
    std::string region = setting(config_file_profile(config, files.profile), "region");
    if (!region.empty()) return region;
  } catch (const CredentialError&) {
    // The credential chain reports an unreadable file; the region falls back to its default meanwhile.
  }
  return std::nullopt;
}

std::optional<AwsCredentials> ProfileCredentials::load() {
  const SharedFiles files = shared_files_from(lookup_);
  return credentials_from_profile(read_ini_file(files.credentials_path), read_ini_file(files.config_path), files);
}

}  // namespace sluice
