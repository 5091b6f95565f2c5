// Kafka message payload -> files to load (source/kafka_event): S3 event notifications, plain {"uri": ...}
// messages, and the poison messages that must never block a partition.
#include "source/kafka_event.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace {

using sluice::FileEvent;
using sluice::parse_file_event;

// The shape AWS sends (trimmed), with a key S3 URL-encoded: spaces as '+', others as %XX.
constexpr const char* kThreeRecords = R"({"Records":[
 {"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventName":"ObjectCreated:Put",
  "s3":{"s3SchemaVersion":"1.0","configurationId":"sluice",
        "bucket":{"name":"sensors","arn":"arn:aws:s3:::sensors"},
        "object":{"key":"site01/2026-01-01+day+%231.csv.gz","size":1024,"eTag":"0123abcd","sequencer":"0A1B"}}},
 {"eventName":"ObjectRemoved:Delete",
  "s3":{"bucket":{"name":"sensors"},"object":{"key":"site01/old.csv","sequencer":"0A1C"}}},
 {"s3":{"object":{"eTag":"ffff","size":7,"key":"a%2Fb%C3%A9.csv"},"bucket":{"name":"other"}},
  "eventName":"ObjectCreated:CompleteMultipartUpload"}
]})";

}  // namespace

TEST_CASE("an S3 event with several records yields the created objects, keys decoded") {
  const FileEvent event = parse_file_event(kThreeRecords);
  CHECK(event.poison.empty());
  REQUIRE(event.files.size() == 2);
  CHECK(event.files[0].uri == "s3://sensors/site01/2026-01-01 day #1.csv.gz");
  CHECK(event.files[0].size == 1024);
  CHECK(event.files[0].etag == "0123abcd");
  // Field order inside a record does not matter; %2F is a '/' inside the key, %C3%A9 is UTF-8.
  CHECK(event.files[1].uri == "s3://other/a/b\xC3\xA9.csv");
  CHECK(event.files[1].size == 7);
  CHECK(event.files[1].etag == "ffff");
  CHECK(event.ignored == 1);
}

TEST_CASE("ObjectRemoved and test events are ignored, not poison") {
  const FileEvent removed = parse_file_event(
      R"({"Records":[{"eventName":"ObjectRemoved:DeleteMarkerCreated","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]})");
  CHECK(removed.files.empty());
  CHECK(removed.poison.empty());
  CHECK(removed.ignored == 1);
  const FileEvent test_event =
      parse_file_event(R"({"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-01-01T00:00:00Z","Bucket":"b"})");
  CHECK(test_event.files.empty());
  CHECK(test_event.poison.empty());
  CHECK(test_event.ignored == 1);
}

TEST_CASE("a quoted eTag is stored bare, like listings store it") {
  const FileEvent event = parse_file_event(
      R"({"Records":[{"eventName":"ObjectCreated:Copy","s3":{"bucket":{"name":"b"},"object":{"key":"k.csv","size":3,"eTag":"\"abc\""}}}]})");
  REQUIRE(event.files.size() == 1);
  CHECK(event.files[0].etag == "abc");
}

TEST_CASE("decode_s3_key") {
  std::string out;
  CHECK(sluice::decode_s3_key("a+b%20c%2b", out));
  CHECK(out == "a b c+");
  CHECK_FALSE(sluice::decode_s3_key("bad%2", out));
  CHECK_FALSE(sluice::decode_s3_key("bad%zz", out));
  CHECK_FALSE(sluice::decode_s3_key("%", out));
}

TEST_CASE("a plain uri message: s3 with optional size and etag, local paths stat'ed later") {
  const FileEvent s3 = parse_file_event(R"({"uri": "s3://bucket/dir/x.csv", "size": 12, "etag": "e1"})");
  CHECK(s3.poison.empty());
  REQUIRE(s3.files.size() == 1);
  CHECK(s3.files[0].uri == "s3://bucket/dir/x.csv");
  CHECK(s3.files[0].size == 12);
  CHECK(s3.files[0].etag == "e1");

  const FileEvent bare_s3 = parse_file_event(R"({"uri": "s3://bucket/x.csv"})");
  REQUIRE(bare_s3.files.size() == 1);
  CHECK(bare_s3.files[0].size == 0);
  CHECK(bare_s3.files[0].etag.empty());

  // Unknown fields are allowed; a local path keeps no size/etag of the message: stat decides.
  const FileEvent local = parse_file_event(R"({"producer": "cron", "uri": "/data/x.csv", "size": 99})");
  CHECK(local.poison.empty());
  REQUIRE(local.files.size() == 1);
  CHECK(local.files[0].uri == "/data/x.csv");
  CHECK(local.files[0].size == 0);
}

TEST_CASE("stat_local_files: a present file gets ingest's size and mtime, a missing one is poison") {
  namespace fs = std::filesystem;
  const fs::path folder = fs::temp_directory_path() / ("sluice_kafka_event_" + std::to_string(::getpid()));
  fs::create_directories(folder);
  const fs::path present = folder / "present.csv";
  std::ofstream(present) << "ts,sensor_id,temperature\n";

  FileEvent event = parse_file_event(R"({"uri": ")" + present.string() + R"("})");
  sluice::stat_local_files(event);
  CHECK(event.poison.empty());
  REQUIRE(event.files.size() == 1);
  CHECK(event.files[0].uri == present.string());
  CHECK(event.files[0].size == 25);
  CHECK(event.files[0].scheme == sluice::FileScheme::local);
  CHECK(event.files[0].mtime_ns > 0);

  FileEvent missing = parse_file_event(R"({"uri": ")" + (folder / "missing.csv").string() + R"("})");
  sluice::stat_local_files(missing);
  CHECK(missing.files.empty());
  CHECK(missing.poison.find("no such file") != std::string::npos);

  FileEvent directory = parse_file_event(R"({"uri": ")" + folder.string() + R"("})");
  sluice::stat_local_files(directory);
  CHECK(directory.files.empty());
  CHECK(directory.poison.find("not a regular file") != std::string::npos);
  fs::remove_all(folder);
}

TEST_CASE("poison: not JSON, wrong shape, empty") {
  auto poison_of = [](std::string_view payload) {
    const FileEvent event = parse_file_event(payload);
    CHECK(event.files.empty());
    CHECK(event.ignored == 0);
    return event.poison;
  };
  CHECK(poison_of("") == "empty message");
  CHECK(poison_of(" \n") == "empty message");
  CHECK_FALSE(poison_of("not json").empty());
  CHECK_FALSE(poison_of("{\"uri\": \"/a.csv\"").empty());            // truncated
  CHECK_FALSE(poison_of("{\"uri\": \"/a.csv\"} trailing").empty());  // content after the object
  CHECK(poison_of("[1, 2]") == "not a JSON object");
  CHECK(poison_of("\"/data/x.csv\"") == "not a JSON object");
  CHECK(poison_of(R"({"file": "/data/x.csv"})").find("unknown message shape") == 0);
  CHECK(poison_of("{}").find("unknown message shape") == 0);
  CHECK(poison_of(R"({"uri": 5})") == "uri: expected a string");
  CHECK(poison_of(R"({"uri": "data/x.csv"})").find("expected an absolute local path") != std::string::npos);
  CHECK(poison_of(R"({"uri": "s3://bucket"})").find("expected s3://bucket/key") != std::string::npos);
  CHECK(poison_of(R"({"uri": "s3://bucket/"})").find("expected s3://bucket/key") != std::string::npos);
  CHECK(poison_of(R"({"uri": "s3://b/k", "size": -1})") == "size: expected a non-negative integer");
  CHECK(poison_of(R"({"Records": []})") == "Records is empty");
  CHECK(poison_of(R"({"Records": {"eventName": "ObjectCreated:Put"}})") == "Records: expected an array");
  CHECK(poison_of(R"({"Records": [], "uri": "/a.csv"})").find("Records is empty") == 0);
}

TEST_CASE("one broken record is poison; the good records of the same message still load") {
  const FileEvent event = parse_file_event(R"({"Records":[
    {"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"good.csv","size":1}}},
    {"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"size":2}}},
    {"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"bad%G1.csv"}}},
    {"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"x","size":"big"}}},
    "not an object",
    {"s3":{"bucket":{"name":"b"},"object":{"key":"no-event-name"}}},
    {"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"good2.csv","size":3}}}
  ]})");
  REQUIRE(event.files.size() == 2);
  CHECK(event.files[0].uri == "s3://b/good.csv");
  CHECK(event.files[1].uri == "s3://b/good2.csv");
  CHECK(event.poison.find("Records[1]: no s3.object.key") != std::string::npos);
  CHECK(event.poison.find("Records[2]: s3.object.key bad%G1.csv: broken %-escape") != std::string::npos);
  CHECK(event.poison.find("Records[3]: s3.object.size: expected a non-negative integer") != std::string::npos);
  CHECK(event.poison.find("Records[4]: record: expected an object") != std::string::npos);
  CHECK(event.poison.find("Records[5]: no eventName") != std::string::npos);
}

TEST_CASE("a structurally broken S3 event loads nothing") {
  const FileEvent event = parse_file_event(
      R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k.csv"}}}, {"eventName": ]})");
  CHECK(event.files.empty());
  CHECK_FALSE(event.poison.empty());
}

TEST_CASE("an S3 event's sequencer is kept, upper-cased; a broken one makes the record poison") {
  FileEvent event = parse_file_event(kThreeRecords);
  REQUIRE(event.files.size() == 2);
  CHECK(event.files[0].sequencer == "0A1B");
  CHECK(event.files[1].sequencer.empty());  // the record has none: the identity rule alone decides

  event = parse_file_event(R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},)"
                           R"("object":{"key":"k.csv","size":1,"eTag":"e","sequencer":"005f3c2a9b"}}}]})");
  REQUIRE(event.files.size() == 1);
  CHECK(event.files[0].sequencer == "005F3C2A9B");

  event = parse_file_event(R"({"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},)"
                           R"("object":{"key":"k.csv","size":1,"eTag":"e","sequencer":"12-34"}}}]})");
  CHECK(event.files.empty());
  CHECK(event.poison.find("s3.object.sequencer 12-34: expected hexadecimal digits") != std::string::npos);

  event = parse_file_event(R"({"uri": "s3://b/k.csv"})");
  REQUIRE(event.files.size() == 1);
  CHECK(event.files[0].sequencer.empty());  // plain messages carry none
}
