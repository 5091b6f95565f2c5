#include "pipeline/file_disposer.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "core/errors.hpp"

namespace sluice {
namespace fs = std::filesystem;
namespace {

std::string normalised(const std::string& path) {
  std::string out = fs::absolute(path).lexically_normal().string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

bool inside(const std::string& path, const std::string& folder) {
  return path == folder || (path.starts_with(folder) && path.size() > folder.size() && path[folder.size()] == '/');
}

// What differs between the file now at the path and the version whose rows committed; empty when nothing.
std::string changed_on_disk(const FileRef& committed) {
  struct stat info {};
  if (::lstat(committed.uri.c_str(), &info) != 0) return "it is gone";
  if (!S_ISREG(info.st_mode)) return "it is no longer a regular file";
  if (committed.inode != 0 && (static_cast<std::uint64_t>(info.st_ino) != committed.inode ||
                               static_cast<std::uint64_t>(info.st_dev) != committed.device))
    return "another file was put under its name";
  if (static_cast<std::uint64_t>(info.st_size) != committed.size)
    return fmt::format("its size changed ({} -> {} bytes)", committed.size, info.st_size);
  const std::int64_t mtime = static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
  if (committed.mtime_ns != 0 && mtime != committed.mtime_ns) return "it was modified";
  return "";
}

// `wanted`, or, when that name is taken (an earlier upload under the same name), the same name with the file id
// before its extensions: site/2026-01-01.csv.gz -> site/2026-01-01.17.csv.gz.
fs::path unused_name(const fs::path& wanted, std::int64_t file_id) {
  std::error_code error;
  if (!fs::exists(wanted, error)) return wanted;
  const std::string name = wanted.filename().string();
  const auto dot = name.find('.', 1);
  const std::string stem = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string extensions = dot == std::string::npos ? "" : name.substr(dot);
  for (int attempt = 0;; ++attempt) {
    const std::string tag = attempt == 0 ? std::to_string(file_id) : fmt::format("{}-{}", file_id, attempt);
    fs::path candidate = wanted.parent_path() / fmt::format("{}.{}{}", stem, tag, extensions);
    if (!fs::exists(candidate, error)) return candidate;
  }
}

}  // namespace

Disposition parse_disposition(std::string_view text, bool allow_delete, std::string_view option) {
  Disposition out;
  if (text == "keep") return out;
  if (allow_delete && text == "delete") {
    out.kind = Disposition::Kind::remove;
    return out;
  }
  if (text.starts_with("move:") && text.size() > 5) {
    out.kind = Disposition::Kind::move;
    out.folder = normalised(std::string(text.substr(5)));
    return out;
  }
  throw UsageError(fmt::format("{} {}: expected keep, move:DIR{}", option, text, allow_delete ? " or delete" : ""));
}

FileDisposer::FileDisposer(Disposition on_success, Disposition on_failure, const std::vector<std::string>& roots,
                           Ledger& ledger, Logger& logger)
    : on_success_(std::move(on_success)), on_failure_(std::move(on_failure)), ledger_(ledger), logger_(logger) {
  for (const std::string& root : roots) {
    std::error_code error;
    if (root.starts_with("s3://") || root.starts_with("@") || !fs::is_directory(root, error)) continue;
    roots_.push_back(normalised(root));
  }
  for (const Disposition* disposition : {&on_success_, &on_failure_}) {
    if (disposition->kind != Disposition::Kind::move) continue;
    for (const std::string& root : roots_)
      if (inside(disposition->folder, root))
        throw UsageError(fmt::format("move:{} lies inside the source folder {}: moved files would be listed again",
                                     disposition->folder, root));
  }
  for (const std::string& root : roots)
    if (active() && root.starts_with("s3://")) throw UsageError("--on-success/--on-failure work on local files only");
}

bool FileDisposer::active() const {
  return on_success_.kind != Disposition::Kind::keep || on_failure_.kind != Disposition::Kind::keep;
}

std::string FileDisposer::relative_to_root(const std::string& path) const {
  const std::string* best = nullptr;
  for (const std::string& root : roots_)
    if (inside(path, root) && (!best || root.size() > best->size())) best = &root;
  return best ? path.substr(best->size() + 1) : fs::path(path).filename().string();
}

void FileDisposer::move(const std::string& from, const std::string& folder, std::int64_t file_id,
                        const std::string& reason, bool failed) {
  const fs::path target = unused_name(fs::path(folder) / relative_to_root(from), file_id);
  fs::create_directories(target.parent_path());
  std::error_code error;
  fs::rename(from, target, error);
  if (error == std::errc::cross_device_link) {  // another file system: copy, then remove the original
    fs::copy_file(from, target, fs::copy_options::none);
    fs::remove(from);
  } else if (error) {
    throw fs::filesystem_error("cannot move", from, target, error);
  }
  if (failed) {
    std::ofstream note(target.string() + ".reason.txt");
    note << fmt::format("{}\nfile: {}\nquarantined: {:%Y-%m-%dT%H:%M:%S}Z\n", reason, from,
                        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
  }
}

void FileDisposer::settle(const FileRef& file, std::int64_t file_id, bool failed, const std::string& reason) {
  const Disposition& disposition = failed ? on_failure_ : on_success_;
  if (disposition.kind == Disposition::Kind::keep || file.scheme != FileScheme::local) return;
  std::lock_guard lock(mutex_);
  if (const std::string change = changed_on_disk(file); !change.empty()) {
    logger_.warn(fmt::format("{}: left in place, not {}: {} since its {} was recorded; the next run looks at it again",
                             file.uri, disposition.kind == Disposition::Kind::remove ? "deleted" : "moved", change,
                             failed ? "failure" : "commit"));
    return;
  }
  try {
    if (disposition.kind == Disposition::Kind::remove)
      fs::remove(file.uri);
    else
      move(file.uri, disposition.folder, file_id, reason, failed);
    if (!failed && file_id != 0) ledger_.mark_disposed(file_id);
  } catch (const std::exception& error) {
    logger_.warn(fmt::format("{}: loaded, but not {}: {}", file.uri,
                             disposition.kind == Disposition::Kind::remove ? "deleted" : "moved", error.what()));
  }
}

}  // namespace sluice
