#include "pipeline/file_disposer.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

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
                           Logger& logger)
    : on_success_(std::move(on_success)), on_failure_(std::move(on_failure)), logger_(logger) {
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

void FileDisposer::move(const std::string& from, const std::string& folder, const std::string& reason, bool failed) {
  const fs::path target = fs::path(folder) / relative_to_root(from);
  fs::create_directories(target.parent_path());
  std::error_code error;
  fs::rename(from, target, error);
  if (error == std::errc::cross_device_link) {  // another file system: copy, then remove the original
    fs::copy_file(from, target, fs::copy_options::overwrite_existing);
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

void FileDisposer::settle(const FileRef& file, bool failed, const std::string& reason) {
  const Disposition& disposition = failed ? on_failure_ : on_success_;
  if (disposition.kind == Disposition::Kind::keep || file.scheme != FileScheme::local) return;
  std::lock_guard lock(mutex_);
  try {
    if (disposition.kind == Disposition::Kind::remove)
      fs::remove(file.uri);
    else
      move(file.uri, disposition.folder, reason, failed);
  } catch (const std::exception& error) {
    logger_.warn(fmt::format("{}: loaded, but not {}: {}", file.uri,
                             disposition.kind == Disposition::Kind::remove ? "deleted" : "moved", error.what()));
  }
}

}  // namespace sluice
