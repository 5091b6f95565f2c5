#include "source/manifest.hpp"

#include <fmt/format.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <stdexcept>

#include "core/errors.hpp"
#include "core/logger.hpp"
#include "s3/s3_uri.hpp"
#include "source/file_uri.hpp"
#include "source/local_source.hpp"

namespace sluice {

std::uint64_t Manifest::bytes() const {
  std::uint64_t total = 0;
  for (const FileRef& file : files) total += file.size;
  return total;
}

ManifestWriter::ManifestWriter(std::string path, const std::string& shard)
    : path_(std::move(path)), temporary_(path_ + ".tmp") {
  out_ = std::fopen(temporary_.c_str(), "wb");
  if (!out_) throw std::runtime_error(fmt::format("cannot write manifest {}", temporary_));
  std::fputs(fmt::format("{{\"version\": 1, \"shard\": {}, \"entries\": [", json_quote(shard)).c_str(), out_);
}

ManifestWriter::~ManifestWriter() {
  if (out_) {
    std::fclose(out_);
    std::remove(temporary_.c_str());
  }
}

void ManifestWriter::add(const FileRef& file) {
  std::fputs(fmt::format("{}\n  {{\"uri\": {}, \"size\": {}, \"etag\": {}}}", files_ ? "," : "", json_quote(file.uri),
                         file.size, json_quote(file.version()))
                 .c_str(),
             out_);
  ++files_;
  bytes_ += file.size;
}

void ManifestWriter::close() {
  std::fputs(fmt::format("\n], \"files\": {}, \"bytes\": {}}}\n", files_, bytes_).c_str(), out_);
  const bool ok = std::ferror(out_) == 0 && std::fclose(out_) == 0;
  out_ = nullptr;
  if (!ok || std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    std::remove(temporary_.c_str());
    throw std::runtime_error(fmt::format("cannot write manifest {}", path_));
  }
}

Manifest read_manifest(const std::string& path) {
  auto fail = [&](std::string_view what) -> Manifest { throw UsageError(fmt::format("manifest {}: {}", path, what)); };
  simdjson::padded_string json;
  if (simdjson::padded_string::load(path).get(json)) return fail("cannot read the file");
  simdjson::ondemand::parser parser;
  Manifest manifest;
  try {
    simdjson::ondemand::document doc = parser.iterate(json);
    if (int64_t(doc["version"]) != 1) return fail("expected \"version\": 1");
    manifest.shard = std::string(std::string_view(doc["shard"]));
    for (auto entry : doc["entries"].get_array()) {
      std::string uri{std::string_view(entry["uri"])};
      const std::uint64_t size = uint64_t(entry["size"]);
      std::string version{std::string_view(entry["etag"])};
      // A local file's version is re-read from the file system when the manifest is used (next()).
      if (is_s3_uri(uri)) {
        manifest.files.push_back(FileRef::s3(std::move(uri), size, std::move(version)));
        continue;
      }
      std::string local, error;
      if (!local_path_from_uri(uri, local, error)) return fail(error);
      manifest.files.push_back(FileRef::local(std::move(local), size, 0));
    }
  } catch (const simdjson::simdjson_error& error) {
    return fail(fmt::format("not a sluice manifest ({})", error.what()));
  }
  return manifest;
}

std::optional<FileRef> ManifestSource::next() {
  if (next_ >= manifest_.files.size()) return std::nullopt;
  FileRef file = manifest_.files[next_++];
  if (file.scheme == FileScheme::local) {
    struct stat info {};
    if (::stat(file.uri.c_str(), &info) == 0) {
      file.size = static_cast<std::uint64_t>(info.st_size);
      file.mtime_ns = mtime_nanoseconds(info.st_mtim);
      file.device = static_cast<std::uint64_t>(info.st_dev);
      file.inode = static_cast<std::uint64_t>(info.st_ino);
    }
  }
  return file;
}

}  // namespace sluice
