#include "s3/s3_settings.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "s3/profile_credentials.hpp"
#include "s3/s3_query.hpp"

namespace sluice {
namespace {

std::string normalised_endpoint(std::string endpoint) {
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0)
    throw UsageError(
        fmt::format("S3 endpoint {}: expected an http:// or https:// URL (AWS_ENDPOINT_URL or "
                    "--s3-endpoint), e.g. http://127.0.0.1:9000",
                    endpoint));
  return endpoint;
}

}  // namespace

S3Settings s3_settings_from(const EnvironmentLookup& lookup, const S3Overrides& overrides) {
  auto value = [&lookup](const char* name) { return environment_value(lookup, name); };
  S3Settings settings;
  if (!overrides.region.empty()) {
    settings.region = overrides.region;
  } else if (std::string region = value("AWS_REGION"); !region.empty()) {
    settings.region = std::move(region);
  } else if (std::string fallback = value("AWS_DEFAULT_REGION"); !fallback.empty()) {
    settings.region = std::move(fallback);
  } else if (std::optional<std::string> from_profile = profile_region(lookup)) {
    settings.region = std::move(*from_profile);
  }
  std::string endpoint = overrides.endpoint.empty() ? value("AWS_ENDPOINT_URL") : overrides.endpoint;
  if (!endpoint.empty()) settings.endpoint = normalised_endpoint(std::move(endpoint));
  return settings;
}

std::string s3_request_url(const S3Settings& settings, std::string_view bucket, std::string_view key,
                           std::string_view query) {
  std::string url;
  if (!settings.endpoint.empty()) {
    url = fmt::format("{}/{}", settings.endpoint, bucket);
  } else if (bucket.find('.') != std::string_view::npos) {
    url = fmt::format("https://s3.{}.amazonaws.com/{}", settings.region, bucket);
  } else {
    url = fmt::format("https://{}.s3.{}.amazonaws.com", bucket, settings.region);
  }
  if (!key.empty()) url += "/" + uri_encode(key, true);
  if (!query.empty()) url += "?" + std::string(query);
  return url;
}

}  // namespace sluice
