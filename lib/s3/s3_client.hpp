#pragma once
// Signed S3 requests (SigV4 by libcurl) with retries: ListObjectsV2 pages, HEAD, GET and PUT of objects.
// Safe to use from several threads at once; connections are kept and reused between requests.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/logger.hpp"
#include "core/retry.hpp"
#include "s3/s3_error.hpp"
#include "s3/s3_listing.hpp"
#include "s3/s3_settings.hpp"

namespace sluice {

/// What a HEAD tells about an object: the version there is now.
struct S3ObjectInfo {
  std::uint64_t size = 0;
  std::string etag;  ///< without quotes
};

class S3Client {
 public:
  /// `on_retry` runs once per retried request (the run's retry counter); `logger` gets one line per retry.
  S3Client(S3Settings settings, Logger& logger, RetryPolicy retry = {}, std::function<void()> on_retry = {});
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  /// One ListObjectsV2 page of keys under `prefix`, starting at `continuation_token` (empty: the first page).
  /// Throws S3RequestError (not transient) for an error answer such as 403 or 404, FatalError when transient
  /// faults outlast the retries or the answer is not a listing.
  S3ListingPage list_objects_v2(std::string_view bucket, std::string_view prefix, std::string_view continuation_token,
                                int max_keys = 1000);

  /// The object's stored bytes. A non-empty `etag` is sent as If-Match, so an object replaced since it was
  /// listed fails (412) instead of loading another version. Throws S3RequestError (not transient) for an
  /// error answer or an object over `max_bytes`, FatalError when transient faults outlast the retries.
  /// `etag_out`, when given, receives the ETag of the version that was read.
  std::string get_object(std::string_view bucket, std::string_view key, std::string_view etag, std::uint64_t max_bytes,
                         std::string* etag_out = nullptr);

  /// The object's size and ETag, without its bytes. Throws like get_object; a HEAD answer has no body, so an
  /// error's code is the HTTP status ("HTTP404", "HTTP403") where a GET would name it.
  S3ObjectInfo head_object(std::string_view bucket, std::string_view key);

  /// Stores `body` as the object (payload hash signed). Throws like get_object.
  void put_object(std::string_view bucket, std::string_view key, std::string_view body,
                  std::string_view content_type = "application/octet-stream");

  [[nodiscard]] const S3Settings& settings() const { return settings_; }

 private:
  struct Request {
    std::string method;  ///< GET, HEAD or PUT
    std::string url;
    std::vector<std::string> headers;     ///< "Name: value", beyond the signing ones
    std::string_view body;                ///< PUT only
    std::uint64_t max_bytes = 0;          ///< 0: no limit
    std::string* etag_out = nullptr;      ///< when set: receives the answer's ETag, without quotes
    std::uint64_t* length_out = nullptr;  ///< when set: receives the answer's Content-Length (HEAD)
    std::string uri;                      ///< s3://bucket/key, for messages
  };
  // One attempt; `signed_with` receives the credentials it was signed with (null: anonymous).
  std::string perform(const Request& request, std::shared_ptr<const AwsCredentials>& signed_with);
  std::string perform_with_retries(const Request& request);  // transient faults retried
  void* acquire_handle();
  void release_handle(void* handle);

  S3Settings settings_;
  Logger& logger_;
  RetryPolicy retry_;
  std::function<void()> on_retry_;
  std::mutex idle_mutex_;
  std::vector<void*> idle_handles_;  // CURL easy handles between requests (each keeps its connections)
};

}  // namespace sluice
