#include "fetch/s3_fetcher.hpp"

#include <fmt/format.h>

#include "core/errors.hpp"
#include "s3/s3_uri.hpp"

namespace sluice {

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
    if (s3_error_is_environmental(error))
      throw FatalError(
          fmt::format("{} (an error about the credentials, the clock or the network, not about this "
                      "object: the run stops, nothing is marked failed)",
                      error.what()));
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

std::string S3Fetcher::fetch_current(FileRef& file) {
  std::string etag;
  std::string bytes = get(file, "", &etag);
  file.size = bytes.size();
  if (!etag.empty()) file.etag = std::move(etag);
  return bytes;
}

}  // namespace sluice
