#include "pipeline/file_stream.hpp"

#include <chrono>
#include <cstring>

namespace sluice {

FileStream::~FileStream() {
  if (pool_ != nullptr && parser_) pool_->give(parser_->release_block_builder());
}

void FileStream::start(ParsedFile& file) {
  // A builder used before (this file's last attempt, or another file's): its memory is already faulted in.
  std::unique_ptr<BlockBuilder> builder = parser_ ? parser_->release_block_builder() : nullptr;
  if (!builder && pool_ != nullptr) builder = pool_->take_builder();
  parser_.reset();
  file = ParsedFile::unparsed(std::move(file.ref), file.file_id);  // nothing of an earlier attempt is left
  size_ = 0;
  pieces_ = 0;
  done_ = false;
  reader_ = open_local_stream(file.ref, max_file_bytes_);
  parser_.emplace(config_, limits_, file, std::move(builder));
  if (config_.layout == StorageLayout::blocks) {
    // The readings up to the bound and the blocks of one flush (a fraction of them: values in 2-4 bytes instead of
    // 9) reserved once, instead of grown by doubling: each doubling copied what was there into pages the kernel
    // had to fault in. A flush comes after the piece that crossed the bound: a quarter more holds that piece.
    parser_->reserve_pending_block_bytes(flush_bytes() + flush_bytes() / 4);
    file.blocks.reserve(flush_bytes() / 4);
  }
}

bool FileStream::read_more() {
  if (capacity_ - size_ < kStreamPieceBytes) {  // the first piece, or a record longer than the slack
    // Slack for the unfinished record carried over: without it, a longer tail than the last would reallocate.
    const std::size_t capacity = size_ + kStreamPieceBytes + kStreamPieceBytes / 16;
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);  // not zero-filled
    if (size_ > 0) std::memcpy(bigger.get(), buffer_.get(), size_);
    buffer_ = std::move(bigger);
    capacity_ = capacity;
  }
  std::size_t got = 0;
  while (got < kStreamPieceBytes) {
    const std::size_t read = reader_->read(buffer_.get() + size_ + got, kStreamPieceBytes - got);
    if (read == 0) break;
    got += read;
  }
  size_ += got;
  return got == kStreamPieceBytes;
}

bool FileStream::next(ParsedFile& file) {
  if (config_.layout == StorageLayout::blocks) {
    file.blocks.clear();  // the loose readings stay in file.rows until the loader sends them
  } else {
    file.hand_over_rows();
  }
  if (done_) return false;
  if (++pieces_ == 2 && mid_stream_) mid_stream_();
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const bool last = !read_more();
    const std::size_t used = parser_->feed(std::string_view(buffer_.get(), size_), last);
    size_ -= used;
    if (size_ > 0) std::memmove(buffer_.get(), buffer_.get() + used, size_);
    stats_.bytes_parsed += static_cast<std::int64_t>(used);
    if (parser_->pending_block_bytes() >= flush_bytes()) parser_->flush_blocks();
    if (parser_->pending_aggregate_bytes() >= kStreamAggregateBytes) parser_->flush_aggregates();
    if (last) {
      parser_->finish();
      done_ = true;
      stats_.bytes_read += static_cast<std::int64_t>(file.ref.size);  // as stored
    }
    if (last || used > 0) break;
  }
  stats_.parse_micros +=
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  return !file.rows.empty() || !file.blocks.empty() || !done_;
}

}  // namespace sluice
