#include "source/local_source.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>

#include "core/errors.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace {

bool has_glob_chars(const std::string& text) { return text.find_first_of("*?[") != std::string::npos; }

std::vector<fs::path> expand_glob(const std::string& pattern) {
  glob_t matches{};
  const int status = ::glob(pattern.c_str(), GLOB_NOSORT | GLOB_BRACE, nullptr, &matches);
  std::vector<fs::path> out;
  if (status == 0)
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) out.emplace_back(matches.gl_pathv[i]);
  globfree(&matches);
  return out;
}

}  // namespace

FileRef local_file_ref(const fs::path& path, const fs::directory_entry& entry) {
  struct stat info {};
  if (::stat(entry.path().c_str(), &info) != 0) throw FileError(fmt::format("cannot stat {}", path.string()));
  FileRef ref = FileRef::local(fs::absolute(path).lexically_normal().string(), static_cast<std::uint64_t>(info.st_size),
                               mtime_nanoseconds(info.st_mtim));
  ref.device = static_cast<std::uint64_t>(info.st_dev);
  ref.inode = static_cast<std::uint64_t>(info.st_ino);
  return ref;
}

LocalSource::LocalSource(const std::string& argument, LocalListing listing) : listing_(std::move(listing)) {
  std::error_code error;
  if (fs::exists(argument, error)) {
    roots_.emplace_back(argument);
  } else if (has_glob_chars(argument)) {
    roots_ = expand_glob(argument);
    if (roots_.empty()) throw UsageError(fmt::format("source {}: the pattern matches no file", argument));
  } else {
    throw UsageError(fmt::format("source {}: no such file or folder", argument));
  }
}

bool LocalSource::settling(const FileRef& ref) const {
  if (listing_.min_age_seconds <= 0) return false;
  const auto now_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double age = static_cast<double>(now_ns - ref.mtime_ns) / 1e9;
  return age < listing_.min_age_seconds;
}

bool LocalSource::included(const fs::path& path) const {
  const std::string name = path.filename().string();
  if (name.empty() || name.front() == '.') return false;  // hidden files, editors' temp files
  for (const std::string& pattern : listing_.include)
    if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

std::optional<FileRef> LocalSource::next() {
  while (true) {
    if (walk_) {
      std::error_code error;
      auto& walk = *walk_;
      while (walk != fs::recursive_directory_iterator()) {
        const fs::directory_entry entry = *walk;
        std::error_code status_error;
        if (entry.is_directory(status_error) && !entry.is_symlink(status_error) &&
            ::access(entry.path().c_str(), R_OK | X_OK) != 0) {
          if (listing_.on_skipped) listing_.on_skipped(entry.path().string(), "folder not readable");
          walk.disable_recursion_pending();
        }
        walk.increment(error);
        if (error) {  // the listing itself failed: report it and give up on the rest of this root
          if (listing_.on_skipped) listing_.on_skipped(entry.path().string(), error.message());
          walk = fs::recursive_directory_iterator();
        }
        if (!entry.is_regular_file(status_error)) {
          if (entry.is_symlink(status_error) && !entry.exists(status_error) && listing_.on_skipped)
            listing_.on_skipped(entry.path().string(), "broken symbolic link");
          continue;
        }
        if (!included(entry.path())) continue;
        try {
          FileRef ref = local_file_ref(entry.path(), entry);
          if (settling(ref)) continue;
          return ref;
        } catch (const FileError& failure) {
          if (listing_.on_skipped) listing_.on_skipped(entry.path().string(), failure.what());
        }
      }
      walk_.reset();
    }
    if (next_root_ >= roots_.size()) return std::nullopt;
    const fs::path root = roots_[next_root_++];
    std::error_code error;
    const fs::directory_entry entry(root, error);
    if (entry.is_directory(error)) {
      // Symbolic links to folders are not followed inside a walk: no loops, no file listed twice.
      walk_.emplace(root, fs::directory_options::none, error);
      if (error) {
        walk_.reset();
        if (listing_.on_skipped) listing_.on_skipped(root.string(), error.message());
      }
      continue;
    }
    return local_file_ref(root, entry);
  }
}

}  // namespace sluice
