#include "fetch/s3_fetcher.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "s3/s3_uri.hpp"

namespace sluice {

FatalError S3Fetcher::environment_error(const S3RequestError& error) {
  return FatalError(
      fmt::format("{} (an error about the credentials, the clock or the network, not about this "
                  "object: the run stops, nothing is marked failed)",
                  error.what()));
}

std::string S3Fetcher::get(const FileRef& file, std::string_view if_match, std::string* etag_out) {
  if (file.size > max_bytes_)
    throw FileError(fmt::format("{}: {} bytes is over --max-file-bytes {}", file.uri, file.size, max_bytes_));
  S3Uri uri;
  try {
    uri = parse_s3_uri(file.uri);
  } catch (const UsageError& error) {
    throw FileError(error.what());
  }
  std::string bytes;
  try {
    bytes = client_->get_object(uri.bucket, uri.key, if_match, max_bytes_, etag_out);
  } catch (const S3RequestError& error) {  // not transient (those are retried, then FatalError)
    // Errors about the environment stop the run: nothing is marked failed, no Kafka offset is committed.
    if (s3_error_is_environmental(error)) throw environment_error(error);
    throw FileError(error.what());
  }
  return bytes;
}

std::string S3Fetcher::fetch(const FileRef& file) {
  std::string bytes = get(file, file.etag, nullptr);
  // Size 0 may mean "not known" (a uri from a manifest or an event without one); If-Match guards those.
  if (file.size != 0 && bytes.size() != file.size)
    throw FileError(fmt::format("{}: got {} bytes, listed as {} (the object changed since it was listed)", file.uri,
                                bytes.size(), file.size));
  return bytes;
}

bool S3Fetcher::identify(FileRef& file) {
  S3Uri uri;
  try {
    uri = parse_s3_uri(file.uri);
  } catch (const UsageError&) {
    return false;  // the GET fails it, saying why
  }
  try {
    const S3ObjectInfo info = client_->head_object(uri.bucket, uri.key);
    if (info.etag.empty()) return false;
    file.size = info.size;
    file.etag = info.etag;
    return true;
  } catch (const S3RequestError& error) {
    // Only a missing answer is sure to be about the environment: the codes that name an expired token or a
    // skewed clock come in an error body, which a HEAD answer lacks. The GET that follows gets one.
    if (error.http_status == 0 || error.http_status == 407) throw environment_error(error);
    return false;
  }
}

std::string S3Fetcher::fetch_current(FileRef& file) {
  std::string etag;
  std::string bytes = get(file, "", &etag);
  file.size = bytes.size();
  if (!etag.empty()) file.etag = std::move(etag);
  return bytes;
}

}  // namespace sluice
