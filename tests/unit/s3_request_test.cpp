// What sluice hands libcurl to sign: RFC 3986 encoding, the canonical (sorted, key=value) query string,
// request URLs (path style with an endpoint, virtual-host style on AWS) and settings from the environment.
#include <doctest/doctest.h>

#include <map>

#include "core/errors.hpp"
#include "s3/s3_query.hpp"
#include "s3/s3_settings.hpp"

using namespace sluice;

namespace {

S3Settings settings_with(std::map<std::string, std::string> environment, S3Overrides overrides = {}) {
  environment.emplace("HOME", "/nonexistent");  // no region from a real ~/.aws/config
  return s3_settings_from(
      [&environment](const char* name) -> std::optional<std::string> {
        auto found = environment.find(name);
        if (found == environment.end()) return std::nullopt;
        return found->second;
      },
      overrides);
}

}  // namespace

TEST_CASE("uri_encode leaves only unreserved characters (and '/' in paths) as they are") {
  CHECK(uri_encode("AZaz09-._~", false) == "AZaz09-._~");
  CHECK(uri_encode("obj/", false) == "obj%2F");
  CHECK(uri_encode("obj/", true) == "obj/");
  CHECK(uri_encode("a b+c=d&e", false) == "a%20b%2Bc%3Dd%26e");
  CHECK(uri_encode("!*'()", false) == "%21%2A%27%28%29");
  CHECK(uri_encode("\xC3\xA9", false) == "%C3%A9");  // UTF-8 bytes, upper-case hex
  CHECK(uri_encode("", false).empty());
}

TEST_CASE("the query string is sorted by name, encoded, and never has a valueless parameter") {
  // curl 7.88 signs the query verbatim: unsorted (max-keys before list-type) or unencoded gets 403.
  CHECK(canonical_query({{"max-keys", "1000"}, {"list-type", "2"}, {"prefix", "obj/"}}) ==
        "list-type=2&max-keys=1000&prefix=obj%2F");
  CHECK(canonical_query({{"prefix", ""}, {"list-type", "2"}}) == "list-type=2&prefix=");
  CHECK(canonical_query({{"list-type", "2"}, {"continuation-token", "1ue/X+Y=="}}) ==
        "continuation-token=1ue%2FX%2BY%3D%3D&list-type=2");
  CHECK(canonical_query({}).empty());
}

TEST_CASE("an endpoint means path-style URLs; AWS itself means virtual-host style") {
  S3Settings local = settings_with({{"AWS_ENDPOINT_URL", "http://127.0.0.1:54330/"}});
  CHECK(local.endpoint == "http://127.0.0.1:54330");
  CHECK(s3_request_url(local, "sensors", "in/a b.csv", "") == "http://127.0.0.1:54330/sensors/in/a%20b.csv");
  CHECK(s3_request_url(local, "sensors", "", "list-type=2") == "http://127.0.0.1:54330/sensors?list-type=2");
  S3Settings aws = settings_with({{"AWS_REGION", "eu-west-3"}});
  CHECK(s3_request_url(aws, "sensors", "k.csv", "") == "https://sensors.s3.eu-west-3.amazonaws.com/k.csv");
  CHECK(s3_request_url(aws, "my.bucket", "k.csv", "") == "https://s3.eu-west-3.amazonaws.com/my.bucket/k.csv");
}

TEST_CASE("settings follow the AWS environment conventions; flags win") {
  S3Settings none = settings_with({});
  CHECK(none.region == "us-east-1");
  CHECK(none.endpoint.empty());
  CHECK(none.credentials == nullptr);  // the caller picks the credential chain (credential_chain.hpp)
  CHECK(settings_with({{"AWS_DEFAULT_REGION", "eu-north-1"}}).region == "eu-north-1");
  CHECK(settings_with({{"AWS_REGION", "ap-south-1"}, {"AWS_DEFAULT_REGION", "eu-north-1"}}).region == "ap-south-1");
  S3Settings flagged = settings_with({{"AWS_REGION", "ap-south-1"}, {"AWS_ENDPOINT_URL", "http://a:1"}},
                                     S3Overrides{"https://b:2", "eu-west-1"});
  CHECK(flagged.region == "eu-west-1");
  CHECK(flagged.endpoint == "https://b:2");
  CHECK_THROWS_AS(settings_with({{"AWS_ENDPOINT_URL", "127.0.0.1:9000"}}), UsageError);
}
