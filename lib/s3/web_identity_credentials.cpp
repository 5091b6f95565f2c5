#include "s3/web_identity_credentials.hpp"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <pugixml.hpp>
#include <sstream>

#include "core/redact.hpp"
#include "s3/credential_http.hpp"
#include "s3/s3_query.hpp"

namespace sluice {
namespace {

std::string read_token_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  if (in) text << in.rdbuf();
  if (!in) throw CredentialError(fmt::format("web identity: cannot read AWS_WEB_IDENTITY_TOKEN_FILE {}", path), false);
  std::string token(strip_blanks(text.str()));
  if (token.empty()) throw CredentialError(fmt::format("web identity: the token file {} is empty", path), false);
  return token;
}

std::string default_session_name() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return fmt::format("sluice-{}", std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

}  // namespace

AwsCredentials parse_assume_role_with_web_identity(std::string_view xml) {
  pugi::xml_document document;
  if (xml.empty() || !document.load_buffer(xml.data(), xml.size()))
    throw CredentialError("web identity: the STS answer is not XML", false);
  const pugi::xml_node result =
      document.child("AssumeRoleWithWebIdentityResponse").child("AssumeRoleWithWebIdentityResult");
  const pugi::xml_node node = result.child("Credentials");
  AwsCredentials credentials;
  credentials.access_key_id = node.child("AccessKeyId").text().get();
  credentials.secret_access_key = node.child("SecretAccessKey").text().get();
  credentials.session_token = node.child("SessionToken").text().get();
  const std::string expiration = node.child("Expiration").text().get();
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty() || credentials.session_token.empty())
    throw CredentialError(
        "web identity: the STS answer has no AssumeRoleWithWebIdentityResult/Credentials with AccessKeyId, "
        "SecretAccessKey and SessionToken",
        false);
  credentials.expiration = parse_aws_time(expiration);
  if (!credentials.expiration)
    throw CredentialError(fmt::format("web identity: the STS answer's Expiration '{}' is not an ISO 8601 UTC time",
                                      expiration.substr(0, 40)),
                          false);
  return credentials;
}

StsError parse_sts_error(std::string_view xml) {
  StsError error;
  pugi::xml_document document;
  if (xml.empty() || !document.load_buffer(xml.data(), xml.size())) return error;
  const pugi::xml_node node = document.child("ErrorResponse").child("Error");
  error.code = node.child("Code").text().get();
  error.message = node.child("Message").text().get();
  return error;
}

bool sts_error_is_transient(std::string_view code) {
  return code == "IDPCommunicationError" || code == "Throttling" || code == "ThrottlingException" ||
         code == "RequestLimitExceeded" || code == "ServiceUnavailable" || code == "InternalFailure";
}

std::string sts_endpoint(const EnvironmentLookup& lookup) {
  std::string endpoint = environment_value(lookup, "AWS_ENDPOINT_URL_STS");
  if (!endpoint.empty()) {
    while (endpoint.ends_with('/')) endpoint.pop_back();
    return endpoint;
  }
  std::string region = environment_value(lookup, "AWS_REGION");
  if (region.empty()) region = environment_value(lookup, "AWS_DEFAULT_REGION");
  if (region.empty()) return "https://sts.amazonaws.com";
  return fmt::format("https://sts.{}.amazonaws.com{}", region, region.starts_with("cn-") ? ".cn" : "");
}

std::optional<AwsCredentials> WebIdentityCredentials::load() {
  const std::string token_file = environment_value(lookup_, "AWS_WEB_IDENTITY_TOKEN_FILE");
  const std::string role_arn = environment_value(lookup_, "AWS_ROLE_ARN");
  if (token_file.empty() && role_arn.empty()) return std::nullopt;
  if (token_file.empty() || role_arn.empty())
    throw CredentialError("web identity: set both AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or neither", false);
  std::string session_name = environment_value(lookup_, "AWS_ROLE_SESSION_NAME");
  if (session_name.empty()) session_name = default_session_name();
  const std::string token = read_token_file(token_file);
  const std::string endpoint = sts_endpoint(lookup_);
  const std::string service = fmt::format("web identity: STS at {}", endpoint);

  // AssumeRoleWithWebIdentity is not signed: the token is the proof. POST keeps it out of URLs and logs.
  HttpExchange exchange;
  exchange.method = "POST";
  exchange.url = endpoint + "/";
  exchange.headers = {"Content-Type: application/x-www-form-urlencoded; charset=utf-8", "Accept: application/xml"};
  exchange.body = canonical_query({{"Action", "AssumeRoleWithWebIdentity"},
                                   {"RoleArn", role_arn},
                                   {"RoleSessionName", session_name},
                                   {"Version", "2011-06-15"},
                                   {"WebIdentityToken", token}});
  const HttpAnswer answer = http_exchange(exchange, service);
  if (answer.status != 200) {
    const StsError error = parse_sts_error(answer.body);
    const std::string code = error.code.empty() ? fmt::format("HTTP{}", answer.status) : error.code;
    // Redacted before it is cut short, so no piece of the token survives the cut.
    const std::string message = redact_secrets(error.message, {token}).substr(0, 300);
    throw CredentialError(
        fmt::format("{} refused role {}: {} {}{}{}", service, role_arn, answer.status,
                    redact_secrets(code, {token}).substr(0, 100), message.empty() ? "" : ": ", message),
        http_status_is_transient(answer.status) || sts_error_is_transient(code));
  }
  AwsCredentials credentials = parse_assume_role_with_web_identity(answer.body);
  credentials.source = fmt::format("web identity (role {}, STS at {})", role_arn, endpoint);
  return credentials;
}

}  // namespace sluice
