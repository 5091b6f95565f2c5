#include "source/s3_source.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include "core/errors.hpp"

namespace sluice {

S3Source::S3Source(S3Uri uri, std::shared_ptr<S3Client> client, std::vector<std::string> include, Logger& logger,
                   int page_keys)
    : uri_(std::move(uri)),
      client_(std::move(client)),
      include_(std::move(include)),
      logger_(logger),
      page_keys_(page_keys) {
  list_next_page();
}

void S3Source::list_next_page() {
  const std::string token = std::move(page_.next_token);
  try {
    page_ = client_->list_objects_v2(uri_.bucket, uri_.key, token, page_keys_);
  } catch (const S3RequestError& error) {
    // S3 answered but refused: a wrong secret, key id, region, endpoint or bucket name. That is the
    // configuration's fault, not one file's (FileError) and not an outage (FatalError, exit 3, which a
    // scheduler would retry in vain): a UsageError makes the run stop with exit code 2 before it loads.
    throw UsageError(fmt::format("cannot list {}", error.what()));
  }
  ++pages_listed_;
  keys_listed_ += page_.objects.size();
  next_object_ = 0;
  more_pages_ = page_.truncated;
}

bool S3Source::included(const std::string& key) const {
  if (key == uri_.key) return true;  // named directly, like a local file argument
  if (key.empty() || key.back() == '/') return false;
  const std::size_t slash = key.rfind('/');
  const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  if (name.front() == '.') return false;
  for (const std::string& pattern : include_)
    if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

std::optional<FileRef> S3Source::next() {
  while (true) {
    while (next_object_ < page_.objects.size()) {
      S3Object& object = page_.objects[next_object_++];
      if (!included(object.key)) continue;
      ++keys_included_;
      return FileRef::s3(s3_uri_string(uri_.bucket, object.key), object.size, std::move(object.etag));
    }
    if (!more_pages_) {
      if (!reported_)
        logger_.info(fmt::format("{}: listed {} keys ({} to load) in {} pages", s3_uri_string(uri_.bucket, uri_.key),
                                 keys_listed_, keys_included_, pages_listed_));
      reported_ = true;
      return std::nullopt;
    }
    list_next_page();
  }
}

}  // namespace sluice
