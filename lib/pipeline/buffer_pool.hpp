#pragma once
// Read buffers, COPY buffers and blocks builders handed back after use and taken again for the next file, so
// their pages stay mapped: a fresh multi-megabyte buffer per file costs the kernel an mmap, a page fault and a zeroed
// page per 4 KiB, and a munmap (that was over a third of sluice's CPU time). Bounded: at most
// `max_bytes` of capacity is kept per kind; anything beyond is freed as before.
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "encode/copy_buffer.hpp"
#include "parse/block_builder.hpp"

namespace sluice {

class BufferPool {
 public:
  explicit BufferPool(std::size_t max_bytes) : max_bytes_(max_bytes) {}

  /// An empty string, with the capacity of one handed back earlier if there is one.
  std::string take_bytes() { return take(bytes_, bytes_kept_); }
  /// An empty COPY buffer, likewise.
  CopyBuffer take_rows() { return take(rows_, rows_kept_); }
  /// A blocks builder handed back earlier (reset by its next parser), or null.
  std::unique_ptr<BlockBuilder> take_builder() { return take(builders_, builders_kept_); }

  void give(std::string&& bytes) {
    bytes.clear();
    keep(bytes_, bytes_kept_, std::move(bytes));
  }
  void give(CopyBuffer&& rows) {
    rows.clear();
    keep(rows_, rows_kept_, std::move(rows));
  }
  void give(std::unique_ptr<BlockBuilder>&& builder) {
    if (builder) keep(builders_, builders_kept_, std::move(builder));
  }

 private:
  static std::size_t capacity_of(const std::string& bytes) { return bytes.capacity(); }
  static std::size_t capacity_of(const CopyBuffer& rows) { return rows.capacity(); }
  static std::size_t capacity_of(const std::unique_ptr<BlockBuilder>& builder) { return builder->capacity_bytes(); }

  template <typename T>
  T take(std::vector<T>& kept, std::size_t& kept_bytes) {
    std::lock_guard lock(mutex_);
    if (kept.empty()) return T();
    T out = std::move(kept.back());
    kept.pop_back();
    kept_bytes -= capacity_of(out);
    return out;
  }
  template <typename T>
  void keep(std::vector<T>& kept, std::size_t& kept_bytes, T&& buffer) {
    const std::size_t capacity = capacity_of(buffer);
    if (capacity < kMinKept) return;  // small ones come from malloc's free lists anyway
    std::lock_guard lock(mutex_);
    if (kept_bytes + capacity > max_bytes_) return;
    kept_bytes += capacity;
    kept.push_back(std::move(buffer));
  }

  static constexpr std::size_t kMinKept = 64 << 10;
  const std::size_t max_bytes_;
  std::mutex mutex_;
  std::vector<std::string> bytes_;
  std::vector<CopyBuffer> rows_;
  std::vector<std::unique_ptr<BlockBuilder>> builders_;
  std::size_t bytes_kept_ = 0, rows_kept_ = 0, builders_kept_ = 0;
};

}  // namespace sluice
