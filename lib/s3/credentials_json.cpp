#include "s3/credentials_json.hpp"

#include <fmt/format.h>
#include <simdjson.h>

namespace sluice {
namespace {

namespace ondemand = simdjson::ondemand;

std::string string_field(ondemand::value value, std::string_view service, std::string_view name) {
  std::string_view text;
  if (value.get_string().get(text)) throw CredentialError(fmt::format("{}: {} is not a string", service, name), false);
  return std::string(text);
}

}  // namespace

AwsCredentials parse_credentials_json(std::string_view json, std::string_view service) {
  AwsCredentials credentials;
  std::string code, expiration;
  try {
    ondemand::parser parser;
    const simdjson::padded_string padded(json);
    ondemand::document document = parser.iterate(padded);
    for (auto field : document.get_object()) {
      const std::string_view name = field.unescaped_key();
      if (name == "AccessKeyId") credentials.access_key_id = string_field(field.value(), service, name);
      if (name == "SecretAccessKey") credentials.secret_access_key = string_field(field.value(), service, name);
      if (name == "Token") credentials.session_token = string_field(field.value(), service, name);
      if (name == "Expiration") expiration = string_field(field.value(), service, name);
      if (name == "Code") code = string_field(field.value(), service, name);
    }
  } catch (const simdjson::simdjson_error& error) {
    throw CredentialError(fmt::format("{}: the answer is not a credentials document ({})", service, error.what()),
                          false);
  }
  if (!code.empty() && code != "Success")
    throw CredentialError(fmt::format("{}: the answer says {}", service, code), false);
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty() || credentials.session_token.empty())
    throw CredentialError(fmt::format("{}: the answer lacks AccessKeyId, SecretAccessKey or Token", service), false);
  if (!expiration.empty()) {
    credentials.expiration = parse_aws_time(expiration);
    if (!credentials.expiration)
      throw CredentialError(fmt::format("{}: Expiration {} is not an ISO 8601 UTC time", service, expiration), false);
  }
  return credentials;
}

}  // namespace sluice
