#pragma once
// Sources list files lazily, one FileRef at a time, so a run over millions of files holds only a batch.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/file_ref.hpp"

namespace sluice {

class FileSource {
 public:
  virtual ~FileSource() = default;
  /// The next file, or nothing when the source is exhausted.
  virtual std::optional<FileRef> next() = 0;
};

/// Yields the files of several sources, one source after the other.
class SourceChain final : public FileSource {
 public:
  explicit SourceChain(std::vector<std::unique_ptr<FileSource>> sources) : sources_(std::move(sources)) {}
  std::optional<FileRef> next() override {
    for (; current_ < sources_.size(); ++current_)
      if (auto file = sources_[current_]->next()) return file;
    return std::nullopt;
  }

 private:
  std::vector<std::unique_ptr<FileSource>> sources_;
  std::size_t current_ = 0;
};

}  // namespace sluice
