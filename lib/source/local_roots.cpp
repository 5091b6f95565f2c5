#include "source/local_roots.hpp"

#include <fmt/format.h>
#include <fnmatch.h>
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <filesystem>

#include "core/errors.hpp"
#include "source/local_source.hpp"

namespace sluice {
namespace {

std::optional<std::string> resolved(const std::string& path) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) == nullptr) return std::nullopt;
  return std::string(buffer);
}

bool inside(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/';
}

}  // namespace

LocalRoots::LocalRoots(const std::vector<std::string>& roots) {
  for (const std::string& root : roots) {
    struct stat info {};
    const std::optional<std::string> real = resolved(root);
    if (!real || ::stat(real->c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
      throw UsageError(fmt::format("--local-root {}: not a folder", root));
    roots_.push_back(*real);
  }
}

std::optional<FileRef> LocalRoots::admit(const std::string& path, std::string& refusal) const {
  if (roots_.empty()) {
    refusal = fmt::format("{}: local paths are refused: consume reads local files only under a --local-root", path);
    return std::nullopt;
  }
  const std::optional<std::string> real = resolved(path);
  auto under_a_root = [&](const std::string& candidate) {
    for (const std::string& root : roots_)
      if (inside(candidate, root)) return true;
    return false;
  };
  if (!real) {
    // Whether a path outside the roots exists is not the topic's business: the same answer either way.
    const std::string lexical = std::filesystem::path(path).lexically_normal().string();
    refusal = under_a_root(lexical) ? fmt::format("{}: no such file", path)
                                    : fmt::format("{}: not under any --local-root", path);
    return std::nullopt;
  }
  if (!under_a_root(*real)) {
    refusal = fmt::format("{}: not under any --local-root", path);
    return std::nullopt;
  }
  struct stat info {};
  if (::stat(real->c_str(), &info) != 0) {
    refusal = fmt::format("{}: no such file", path);
    return std::nullopt;
  }
  if (!S_ISREG(info.st_mode)) {
    refusal = fmt::format("{}: not a regular file", path);
    return std::nullopt;
  }
  FileRef ref = FileRef::local(*real, static_cast<std::uint64_t>(info.st_size), mtime_nanoseconds(info.st_mtim));
  ref.device = static_cast<std::uint64_t>(info.st_dev);
  ref.inode = static_cast<std::uint64_t>(info.st_ino);
  return ref;
}

bool name_included(const std::string& uri, const std::vector<std::string>& patterns) {
  const auto slash = uri.rfind('/');
  const std::string name = slash == std::string::npos ? uri : uri.substr(slash + 1);
  if (name.empty() || name.front() == '.') return false;
  for (const std::string& pattern : patterns)
    if (::fnmatch(pattern.c_str(), name.c_str(), 0) == 0) return true;
  return false;
}

}  // namespace sluice
