#include "s3/imds_credentials.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/redact.hpp"
#include "s3/credential_http.hpp"
#include "s3/credentials_json.hpp"

namespace sluice {
namespace {

constexpr std::string_view kCredentialsPath = "/latest/meta-data/iam/security-credentials/";

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Thrown inside fetch for what means "no instance role here" on a first try.
struct NotHere {
  CredentialError error;
};

HttpAnswer ask(const ImdsSettings& settings, std::string method, const std::string& path,
               std::vector<std::string> headers, const std::string& token) {
  HttpExchange exchange;
  exchange.method = std::move(method);
  exchange.url = settings.endpoint + path;
  exchange.headers = std::move(headers);
  exchange.connect_timeout_ms = settings.timeout_ms;
  exchange.timeout_ms = 2 * settings.timeout_ms;
  exchange.use_proxy = false;
  const std::string service = fmt::format("instance metadata at {}", settings.endpoint);
  HttpAnswer answer;
  try {
    answer = http_exchange(exchange, service);
  } catch (const CredentialError& error) {
    throw NotHere{error};
  }
  if (answer.status == 200) return answer;
  const std::string excerpt = redact_secrets(std::string(strip_blanks(answer.body)), {token}).substr(0, 200);
  CredentialError error(
      fmt::format("{}: {} {} answered {}: {}", service, exchange.method, path.substr(0, 100), answer.status, excerpt),
      http_status_is_transient(answer.status));
  // 403 on the token: the service is off for this instance; 404 on the role list: no role attached.
  if (answer.status == 403 || answer.status == 404 || answer.status == 405) throw NotHere{error};
  throw error;
}

}  // namespace

ImdsSettings imds_settings_from(const EnvironmentLookup& lookup) {
  ImdsSettings settings;
  settings.disabled = equals_ignoring_case(environment_value(lookup, "AWS_EC2_METADATA_DISABLED"), "true");
  settings.endpoint = environment_value(lookup, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (settings.endpoint.empty())
    settings.endpoint =
        equals_ignoring_case(environment_value(lookup, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"), "IPv6")
            ? "http://[fd00:ec2::254]"
            : "http://169.254.169.254";
  while (settings.endpoint.ends_with('/')) settings.endpoint.pop_back();
  const std::string timeout = environment_value(lookup, "AWS_METADATA_SERVICE_TIMEOUT");
  if (!timeout.empty()) {
    try {
      const double seconds = std::stod(timeout);
      if (seconds > 0 && seconds <= 60) settings.timeout_ms = static_cast<long>(seconds * 1000);
    } catch (const std::exception&) {
      // not a number: the default stays, as in the AWS SDKs
    }
  }
  return settings;
}

std::optional<AwsCredentials> ImdsCredentials::fetch() {
  const HttpAnswer token_answer =
      ask(settings_, "PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds: 21600"}, "");
  const std::string token(strip_blanks(token_answer.body));
  const std::string token_header = "X-aws-ec2-metadata-token: " + token;
  const HttpAnswer roles = ask(settings_, "GET", std::string(kCredentialsPath), {token_header}, token);
  std::string_view role = strip_blanks(roles.body);
  role = role.substr(0, role.find('\n'));  // one role per instance profile; the first line names it
  role = strip_blanks(role);
  if (role.empty() || role.find('/') != std::string_view::npos)
    throw CredentialError(fmt::format("instance metadata at {}: no role name in the answer", settings_.endpoint),
                          false);
  const HttpAnswer document =
      ask(settings_, "GET", std::string(kCredentialsPath) + std::string(role), {token_header}, token);
  const std::string service = fmt::format("instance metadata at {} (IMDSv2, role {})", settings_.endpoint, role);
  AwsCredentials credentials = parse_credentials_json(document.body, service);
  credentials.source = service;
  return credentials;
}

std::optional<AwsCredentials> ImdsCredentials::load() {
  if (settings_.disabled) return std::nullopt;
  try {
    std::optional<AwsCredentials> credentials = fetch();
    answered_before_ = true;
    return credentials;
  } catch (const NotHere& not_here) {
    if (!answered_before_) return std::nullopt;
    throw not_here.error;
  }
}

}  // namespace sluice
