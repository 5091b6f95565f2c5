// s3://bucket/prefix arguments: split, validated (UsageError naming the argument), and written back.
#include <doctest/doctest.h>

#include "core/errors.hpp"
#include "s3/s3_uri.hpp"

using namespace sluice;

TEST_CASE("s3 uris split into bucket and key or prefix, kept verbatim") {
  CHECK(is_s3_uri("s3://b/k"));
  CHECK_FALSE(is_s3_uri("/data/s3://x"));
  CHECK_FALSE(is_s3_uri("S3://bucket"));
  CHECK_FALSE(is_s3_uri("s3:/bucket"));

  S3Uri uri = parse_s3_uri("s3://sensor-data.eu/in/2026/");
  CHECK(uri.bucket == "sensor-data.eu");
  CHECK(uri.key == "in/2026/");
  uri = parse_s3_uri("s3://abc");
  CHECK(uri.bucket == "abc");
  CHECK(uri.key.empty());
  uri = parse_s3_uri("s3://abc/");
  CHECK(uri.key.empty());
  uri = parse_s3_uri("s3://abc/a b/%41+?.csv");  // keys are not URL-decoded
  CHECK(uri.key == "a b/%41+?.csv");
  CHECK(s3_uri_string("abc", "a b/c.csv") == "s3://abc/a b/c.csv");
}

TEST_CASE("bad s3 uris are usage errors that name the argument") {
  CHECK_THROWS_AS(parse_s3_uri("s3://"), UsageError);
  CHECK_THROWS_WITH(parse_s3_uri("s3:///prefix"), doctest::Contains("s3:///prefix"));
  CHECK_THROWS_WITH(parse_s3_uri("s3://My_Bucket/x"), doctest::Contains("lower-case"));
  CHECK_THROWS_AS(parse_s3_uri("s3://ab/x"), UsageError);       // too short
  CHECK_THROWS_AS(parse_s3_uri("s3://-bucket/x"), UsageError);  // must start with a letter or digit
  CHECK_THROWS_AS(parse_s3_uri("s3://bucket./x"), UsageError);
  CHECK_THROWS_AS(parse_s3_uri("s3://a..b/x"), UsageError);
  CHECK_THROWS_AS(parse_s3_uri(std::string("s3://") + std::string(64, 'a')), UsageError);
  CHECK_THROWS_AS(parse_s3_uri("https://bucket/x"), UsageError);
  CHECK_NOTHROW(parse_s3_uri(std::string("s3://") + std::string(63, 'a') + "/k"));
}
