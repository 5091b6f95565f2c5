#pragma once
// A failed S3 request as a value the caller can judge: retry it (5xx, 429, timeouts, resets) or give up
// with a message that names the object and the S3 error code ("s3://b/k: 403 SignatureDoesNotMatch: ...").
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace sluice {

/// The Code and Message of an S3 <Error> document; empty when the body is not one (e.g. a HEAD answer).
struct S3ErrorBody {
  std::string code;
  std::string message;
};

/// Reads an S3 error document. Never throws: a body that is not one gives empty fields.
S3ErrorBody parse_s3_error_body(std::string_view xml);

/// A request that got no usable answer. `http_status` is 0 when no HTTP answer came (connection, timeout).
struct S3RequestError : std::runtime_error {
  S3RequestError(const std::string& message, int http_status_, std::string code_, bool transient_)
      : std::runtime_error(message), http_status(http_status_), code(std::move(code_)), transient(transient_) {}
  int http_status;
  std::string code;  ///< the S3 error code (SlowDown, NoSuchKey, ...) or the curl error name
  bool transient;    ///< worth retrying after a backoff
};

/// Whether an HTTP answer with this status and S3 error code is worth retrying: 5xx (503 SlowDown among
/// them), 429, and 400 RequestTimeout (S3's idle-socket answer).
bool s3_status_is_transient(int http_status, std::string_view code);

/// Whether a failed request says something about the run's environment rather than about one object: no HTTP
/// answer at all (DNS, proxy, TLS verification, refused connections), a proxy asking for authentication, or
/// an S3 code about the credentials or the clock (ExpiredToken, InvalidAccessKeyId, SignatureDoesNotMatch,
/// RequestTimeTooSkewed, ...). Those stop the run (exit 3) instead of failing the file: every other object
/// would fail the same way, and retrying the files later must stay possible.
bool s3_error_is_environmental(const S3RequestError& error);

/// For with_retries: true for a transient S3RequestError, false for anything else.
bool is_transient_s3_error(const std::exception& error);

}  // namespace sluice
