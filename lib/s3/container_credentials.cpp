#include "s3/container_credentials.hpp"

#include <curl/curl.h>

#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "core/redact.hpp"
#include "s3/credential_http.hpp"
#include "s3/credentials_json.hpp"

namespace sluice {
namespace {

constexpr const char* kEcsEndpoint = "http://169.254.170.2";

std::string url_part(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, 0) != CURLUE_OK || text == nullptr) return {};
  std::string out(text);
  curl_free(text);
  return out;
}

bool loopback_or_link_local(const std::string& host) {
  if (host == "localhost" || host == "[::1]") return true;
  if (host == "169.254.170.2" || host == "169.254.170.23" || host == "[fd00:ec2::23]") return true;
  unsigned a = 0, b = 0, c = 0, d = 0;
  char rest = 0;
  return std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &rest) == 4 && a == 127 && b < 256 && c < 256 &&
         d < 256;
}

std::string authorization_token(const EnvironmentLookup& lookup) {
  const std::string path = environment_value(lookup, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  std::string token;
  if (!path.empty()) {  // read at every refresh: the agent rotates it
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    if (in) text << in.rdbuf();
    if (!in)
      throw CredentialError(
          fmt::format("container credentials: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE {}", path), false);
    token = std::string(strip_blanks(text.str()));
  } else {
    token = std::string(strip_blanks(environment_value(lookup, "AWS_CONTAINER_AUTHORIZATION_TOKEN")));
  }
  if (token.find_first_of("\r\n") != std::string::npos)
    throw CredentialError("container credentials: the authorization token holds a line break", false);
  return token;
}

}  // namespace

bool container_uri_allowed(std::string_view url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), &curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, std::string(url).c_str(), 0) != CURLUE_OK) return false;
  const std::string scheme = url_part(parsed.get(), CURLUPART_SCHEME);
  if (scheme == "https") return true;
  return scheme == "http" && loopback_or_link_local(url_part(parsed.get(), CURLUPART_HOST));
}

std::optional<AwsCredentials> ContainerCredentials::load() {
  const std::string relative = environment_value(lookup_, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const std::string full = environment_value(lookup_, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (relative.empty() && full.empty()) return std::nullopt;
  HttpExchange exchange;
  exchange.connect_timeout_ms = 2000;
  exchange.timeout_ms = 5000;
  exchange.use_proxy = false;
  exchange.headers = {"Accept: application/json"};
  std::string token;
  std::string service;
  if (!relative.empty()) {
    std::string base = environment_value(lookup_, "SLUICE_CONTAINER_CREDENTIALS_ENDPOINT");
    if (base.empty()) base = kEcsEndpoint;
    exchange.url = base + (relative.starts_with('/') ? "" : "/") + relative;
    // The relative path names the task's credentials: kept out of messages like a secret.
    service = fmt::format("container credentials at {} (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)", base);
  } else {
    if (!container_uri_allowed(full))
      throw CredentialError(
          fmt::format("container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI {} must be https, or http to a "
                      "loopback address or 169.254.170.2/169.254.170.23",
                      full),
          false);
    exchange.url = full;
    service = fmt::format("container credentials at {}", full);
    token = authorization_token(lookup_);
    if (!token.empty()) exchange.headers.push_back("Authorization: " + token);
  }
  const HttpAnswer answer = http_exchange(exchange, service);
  if (answer.status != 200) {
    const std::string excerpt = redact_secrets(std::string(strip_blanks(answer.body)), {token, relative});
    throw CredentialError(fmt::format("{} answered {}: {}", service, answer.status, excerpt.substr(0, 200)),
                          http_status_is_transient(answer.status));
  }
  AwsCredentials credentials = parse_credentials_json(answer.body, service);
  credentials.source = service;
  return credentials;
}

}  // namespace sluice
