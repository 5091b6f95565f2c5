// S3 listing XML (ListObjectsV2 pages) as values: keys, sizes, unquoted etags, continuation; error bodies.
#include <doctest/doctest.h>

#include <stdexcept>

#include "s3/s3_error.hpp"
#include "s3/s3_listing.hpp"

using namespace sluice;

namespace {

constexpr const char* kTruncatedPage = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>sensors</Name><Prefix>in/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <IsTruncated>true</IsTruncated>
  <ContinuationToken>abc</ContinuationToken>
  <NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>
  <Contents><Key>in/site00/2025-12-28.csv</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified>
    <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents>
  <Contents><Key>in/a &amp; b &lt;c&gt; &#xE9;t&#233;.csv.gz</Key>
    <ETag>"d41d8cd98f00b204e9800998ecf8427e-3"</ETag><Size>18446744073709551615</Size></Contents>
</ListBucketResult>)";

}  // namespace

TEST_CASE("a truncated ListObjectsV2 page gives its objects and the next continuation token") {
  const S3ListingPage page = parse_list_objects_v2(kTruncatedPage);
  REQUIRE(page.objects.size() == 2);
  CHECK(page.truncated);
  CHECK(page.next_token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
  CHECK(page.objects[0].key == "in/site00/2025-12-28.csv");
  CHECK(page.objects[0].size == 1234);
  CHECK(page.objects[0].etag == "9b2cf535f27731c974343645a3985328");
  CHECK(page.objects[1].key == "in/a & b <c> \xC3\xA9t\xC3\xA9.csv.gz");  // entities decoded, UTF-8 kept
  CHECK(page.objects[1].size == 18446744073709551615ull);
  CHECK(page.objects[1].etag == "d41d8cd98f00b204e9800998ecf8427e-3");  // multipart etag, quotes gone
}

TEST_CASE("the last page is not truncated and an empty prefix lists nothing") {
  const S3ListingPage last = parse_list_objects_v2(
      "<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>0</Size>"
      "<ETag>e</ETag></Contents></ListBucketResult>");
  CHECK_FALSE(last.truncated);
  CHECK(last.next_token.empty());
  REQUIRE(last.objects.size() == 1);
  CHECK(last.objects[0].etag == "e");
  const S3ListingPage empty = parse_list_objects_v2(
      "<ListBucketResult><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>");
  CHECK(empty.objects.empty());
  CHECK_FALSE(empty.truncated);
}

TEST_CASE("a key made of spaces is kept as it is") {
  const S3ListingPage page =
      parse_list_objects_v2("<ListBucketResult><Contents><Key>  </Key><Size>1</Size></Contents></ListBucketResult>");
  REQUIRE(page.objects.size() == 1);
  CHECK(page.objects[0].key == "  ");
}

TEST_CASE("answers that are not a usable listing are errors, not empty listings") {
  CHECK_THROWS_AS(parse_list_objects_v2("not xml <"), std::runtime_error);
  CHECK_THROWS_WITH(parse_list_objects_v2("<Error><Code>AccessDenied</Code></Error>"),
                    doctest::Contains("ListBucketResult"));
  CHECK_THROWS_WITH(parse_list_objects_v2("<ListBucketResult><Contents><Key>k</Key><Size>12x</Size></Contents>"
                                          "</ListBucketResult>"),
                    doctest::Contains("Size"));
  CHECK_THROWS_WITH(parse_list_objects_v2("<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>"),
                    doctest::Contains("Key"));
  // Following a truncated page without a token would list the first page forever.
  CHECK_THROWS_WITH(parse_list_objects_v2("<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>"),
                    doctest::Contains("NextContinuationToken"));
}

TEST_CASE("etags lose one pair of surrounding quotes only") {
  CHECK(unquote_etag("\"abc\"") == "abc");
  CHECK(unquote_etag("abc") == "abc");
  CHECK(unquote_etag("\"") == "\"");
  CHECK(unquote_etag("") == "");
}

TEST_CASE("S3 error documents give the code and message; other bodies give nothing") {
  const S3ErrorBody error = parse_s3_error_body(
      "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated "
      "does not match the signature you provided.</Message><RequestId>1</RequestId></Error>");
  CHECK(error.code == "SignatureDoesNotMatch");
  CHECK(error.message.find("signature") != std::string::npos);
  CHECK(parse_s3_error_body("").code.empty());
  CHECK(parse_s3_error_body("<html>503</html>").code.empty());
}

TEST_CASE("which S3 answers are retried") {
  CHECK(s3_status_is_transient(503, "SlowDown"));
  CHECK(s3_status_is_transient(500, "InternalError"));
  CHECK(s3_status_is_transient(429, ""));
  CHECK(s3_status_is_transient(400, "RequestTimeout"));
  CHECK_FALSE(s3_status_is_transient(400, "InvalidRequest"));
  CHECK_FALSE(s3_status_is_transient(403, "SignatureDoesNotMatch"));
  CHECK_FALSE(s3_status_is_transient(404, "NoSuchKey"));
  CHECK(is_transient_s3_error(S3RequestError("x", 503, "SlowDown", true)));
  CHECK_FALSE(is_transient_s3_error(S3RequestError("x", 403, "AccessDenied", false)));
  CHECK_FALSE(is_transient_s3_error(std::runtime_error("other")));
}
