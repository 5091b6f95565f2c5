#include "fetch/byte_stream.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.hpp"
#include "fetch/decompress.hpp"
#include "fetch/local_reader.hpp"

namespace sluice {
namespace {

std::int64_t mtime_ns_of(const struct stat& info) {
  return static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
}

class LocalFileStream final : public ByteStream {
 public:
  LocalFileStream(FileRef& file, std::uint64_t max_bytes) : fd_(open_listed_file(file, info_)) {
    const struct stat& info = info_;
    // The version read is the one there is now (a file rewritten since its listing loads as it is).
    file.size = size_ = static_cast<std::uint64_t>(info.st_size);
    if (size_ > max_bytes)
      throw FileError(fmt::format("file of {} bytes exceeds --max-file-bytes ({})", size_, max_bytes));
    file.mtime_ns = mtime_ns_ = mtime_ns_of(info);
  }

  std::size_t read(char* out, std::size_t capacity) override {
    while (true) {
      const ssize_t got = ::read(fd_.get(), out, capacity);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw FileError(fmt::format("read failed: {}", std::strerror(errno)));
      done_ += static_cast<std::uint64_t>(got);
      if (done_ > size_) throw FileChangedError("file changed while being read: it grew");
      if (got == 0) check_unchanged();
      return static_cast<std::size_t>(got);
    }
  }

 private:
  void check_unchanged() const {
    if (done_ < size_)
      throw FileChangedError(fmt::format("file changed while being read: it shrank ({} of {} bytes read)", done_, size_));
    struct stat after {};
    if (::fstat(fd_.get(), &after) == 0 && mtime_ns_of(after) != mtime_ns_)
      throw FileChangedError("file changed while being read (modification time differs)");
  }

  struct stat info_ {};  // before fd_: filled by the open
  UniqueFd fd_;
  std::uint64_t size_ = 0, done_ = 0;
  std::int64_t mtime_ns_ = 0;
};

// Decompresses the stream below when it starts with gzip's or zstd's magic bytes; passes it through otherwise.
class DecompressingStream final : public ByteStream {
 public:
  DecompressingStream(std::unique_ptr<ByteStream> raw, std::uint64_t max_bytes)
      : raw_(std::move(raw)), max_bytes_(max_bytes), in_(kInput, '\0') {}
  ~DecompressingStream() override {
    if (compression_ == Compression::gzip) inflateEnd(&zlib_);
    if (zstd_) ZSTD_freeDStream(zstd_);
  }
  DecompressingStream(const DecompressingStream&) = delete;
  DecompressingStream& operator=(const DecompressingStream&) = delete;

  std::size_t read(char* out, std::size_t capacity) override {
    if (!started_) start();
    std::size_t got = 0;
    if (compression_ == Compression::none) {
      if (in_pos_ < in_size_) {  // the bytes read to detect the format
        got = std::min(capacity, in_size_ - in_pos_);
        std::memcpy(out, in_.data() + in_pos_, got);
        in_pos_ += got;
      } else {
        got = raw_->read(out, capacity);
      }
    } else {
      while (got == 0 && !(finished_ && in_pos_ == in_size_)) {
        if (in_pos_ == in_size_ && !refill()) break;
        got = compression_ == Compression::gzip ? inflate_into(out, capacity) : unzstd_into(out, capacity);
      }
      if (got == 0 && !member_done_) throw FileError(fmt::format("{}: truncated stream (unexpected end of data)", name()));
    }
    produced_ += got;
    if (compression_ != Compression::none && produced_ > max_bytes_)
      throw FileError(
          fmt::format("{} content exceeds --max-file-bytes ({} bytes) after decompression", name(), max_bytes_));
    return got;
  }

 private:
  static constexpr std::size_t kInput = 256 << 10;

  const char* name() const { return compression_ == Compression::gzip ? "gzip" : "zstd"; }

  void start() {
    started_ = true;
    while (in_size_ < 4) {  // enough for either magic
      const std::size_t got = raw_->read(in_.data() + in_size_, kInput - in_size_);
      if (got == 0) break;
      in_size_ += got;
    }
    compression_ = detect_compression(std::string_view(in_.data(), in_size_));
    if (compression_ == Compression::gzip && inflateInit2(&zlib_, 15 + 32) != Z_OK)
      throw FileError("gzip: cannot initialise zlib");
    if (compression_ == Compression::zstd && !(zstd_ = ZSTD_createDStream()))
      throw FileError("zstd: cannot create a decompression stream");
    finished_ = in_size_ == 0;
  }

  bool refill() {
    if (finished_) return false;
    in_pos_ = 0;
    in_size_ = raw_->read(in_.data(), kInput);
    finished_ = in_size_ == 0;
    return !finished_;
  }

  std::size_t inflate_into(char* out, std::size_t capacity) {
    zlib_.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
    zlib_.avail_in = static_cast<uInt>(in_size_ - in_pos_);
    zlib_.next_out = reinterpret_cast<Bytef*>(out);
    zlib_.avail_out = static_cast<uInt>(std::min<std::size_t>(capacity, 1u << 30));
    const int status = inflate(&zlib_, Z_NO_FLUSH);
    const std::size_t got = std::min<std::size_t>(capacity, 1u << 30) - zlib_.avail_out;
    in_pos_ = in_size_ - zlib_.avail_in;
    member_done_ = status == Z_STREAM_END;
    if (status == Z_STREAM_END) inflateReset(&zlib_);  // concatenated gzip members
    else if (status != Z_OK && status != Z_BUF_ERROR)
      throw FileError(fmt::format("gzip: corrupt stream ({})", zlib_.msg ? zlib_.msg : "inflate failed"));
    return got;
  }

  std::size_t unzstd_into(char* out, std::size_t capacity) {
    ZSTD_inBuffer input{in_.data(), in_size_, in_pos_};
    ZSTD_outBuffer output{out, capacity, 0};
    const std::size_t hint = ZSTD_decompressStream(zstd_, &output, &input);
    if (ZSTD_isError(hint)) throw FileError(fmt::format("zstd: corrupt stream ({})", ZSTD_getErrorName(hint)));
    in_pos_ = input.pos;
    member_done_ = hint == 0;
    return output.pos;
  }

  std::unique_ptr<ByteStream> raw_;
  std::uint64_t max_bytes_;
  std::string in_;
  std::size_t in_pos_ = 0, in_size_ = 0;
  std::uint64_t produced_ = 0;
  bool started_ = false, finished_ = false, member_done_ = true;
  Compression compression_ = Compression::none;
  z_stream zlib_{};
  ZSTD_DStream* zstd_ = nullptr;
};

}  // namespace

std::unique_ptr<ByteStream> open_local_stream(FileRef& file, std::uint64_t max_bytes) {
  return std::make_unique<DecompressingStream>(std::make_unique<LocalFileStream>(file, max_bytes), max_bytes);
}

}  // namespace sluice
