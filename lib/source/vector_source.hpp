#pragma once
// A source over files already known: one batch of `sluice consume`, or a test's fixed list.
#include <optional>
#include <utility>
#include <vector>

#include "source/file_source.hpp"

namespace sluice {

/// Yields the given files in order, then nothing.
class VectorSource final : public FileSource {
 public:
  explicit VectorSource(std::vector<FileRef> files) : files_(std::move(files)) {}
  std::optional<FileRef> next() override {
    if (next_ >= files_.size()) return std::nullopt;
    return std::move(files_[next_++]);
  }

 private:
  std::vector<FileRef> files_;
  std::size_t next_ = 0;
};

}  // namespace sluice
