#pragma once
// PostgreSQL binary COPY rows, encoded off the connection thread and reused across rows.
// Format: https://www.postgresql.org/docs/15/sql-copy.html ("Binary Format").
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/huge_pages.hpp"
#include "core/time_span.hpp"

namespace sluice {

/// Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01 UTC).
constexpr std::int64_t kPostgresEpochMicros = 946'684'800'000'000;

/// Rows of a binary COPY stream, without the header and trailer (see header()/trailer()), so that the
/// rows of several files can be sent in one COPY.
class CopyBuffer {
 public:
  CopyBuffer() = default;
  // A moved-from buffer is empty and usable (the defaults would leave it a capacity without memory).
  CopyBuffer(CopyBuffer&& other) noexcept
      : data_(std::move(other.data_)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)),
        rows_(std::exchange(other.rows_, 0)),
        huge_pages_(other.huge_pages_) {}
  CopyBuffer& operator=(CopyBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    rows_ = std::exchange(other.rows_, 0);
    huge_pages_ = other.huge_pages_;
    return *this;
  }

  /// Starts a row of `fields` fields; each add_* call then writes one field, in table column order.
  void begin_row(std::int16_t fields) {
    put_be<std::int16_t>(fields);
    ++rows_;
  }
  void add_null() { put_be<std::int32_t>(-1); }
  void add_int8(std::int64_t value) {
    put_be<std::int32_t>(8);
    put_be<std::int64_t>(value);
  }
  void add_int4(std::int32_t value) {
    put_be<std::int32_t>(4);
    put_be<std::int32_t>(value);
  }
  void add_float8(double value) {
    put_be<std::int32_t>(8);
    put_be<std::uint64_t>(std::bit_cast<std::uint64_t>(value));
  }
  void add_bool(bool value) {
    put_be<std::int32_t>(1);
    put_be<std::uint8_t>(value ? 1 : 0);
  }
  void add_text(std::string_view value) {
    put_be<std::int32_t>(static_cast<std::int32_t>(value.size()));
    ensure(value.size());
    std::memcpy(data_.get() + size_, value.data(), value.size());
    size_ += value.size();
  }
  /// timestamptz from Unix microseconds.
  void add_timestamptz(std::int64_t unix_micros) { add_int8(unix_micros - kPostgresEpochMicros); }

  /// A tstzmultirange of the [begin, end) spans, which must be sorted and apart (multirange_recv: their count,
  /// then each range as its length and range_recv's form: a flags byte, "lower bound inclusive", then each
  /// bound's length and timestamptz).
  void add_time_spans(const std::vector<TimeSpan>& spans) {
    constexpr char kLowerInclusive = 0x02;
    const std::size_t mark = begin_field();
    put_int4(static_cast<std::int32_t>(spans.size()));
    for (const TimeSpan& span : spans) {
      put_int4(1 + 2 * (4 + 8));
      put_bytes(std::string_view(&kLowerInclusive, 1));
      put_int4(8);
      put_int8(span.begin_micros - kPostgresEpochMicros);
      put_int4(8);
      put_int8(span.end_micros - kPostgresEpochMicros);
    }
    end_field(mark);
  }

  /// A field whose length is known only once it is written (an array): begin_field() returns a mark, the
  /// put_* calls write its bytes, end_field(mark) fills in the length.
  [[nodiscard]] std::size_t begin_field() {
    put_be<std::int32_t>(0);
    return size_;
  }
  void end_field(std::size_t mark) {
    const auto length = __builtin_bswap32(static_cast<std::uint32_t>(size_ - mark));
    std::memcpy(data_.get() + mark - 4, &length, 4);
  }
  /// Big-endian bytes without a length (inside a field opened with begin_field).
  void put_int2(std::int16_t value) { put_be<std::int16_t>(value); }
  void put_int4(std::int32_t value) { put_be<std::int32_t>(value); }
  void put_int8(std::int64_t value) { put_be<std::int64_t>(value); }
  void put_bytes(std::string_view value) {
    ensure(value.size());
    std::memcpy(data_.get() + size_, value.data(), value.size());
    size_ += value.size();
  }

  /// Writes one row through a raw pointer after one capacity check for the whole row (the add_* calls
  /// above check per field). Its fields go in table column order; the row is complete when it is destroyed.
  class RowCursor {
   public:
    RowCursor(CopyBuffer& buffer, std::int16_t fields, std::size_t max_bytes) : buffer_(buffer) {
      buffer.ensure(max_bytes + 2);
      at_ = buffer.data_.get() + buffer.size_;
      put(fields);
      ++buffer.rows_;
    }
    RowCursor(const RowCursor&) = delete;
    RowCursor& operator=(const RowCursor&) = delete;
    ~RowCursor() { buffer_.size_ = static_cast<std::size_t>(at_ - buffer_.data_.get()); }

    void add_null() { put(std::int32_t{-1}); }
    void add_int8(std::int64_t value) {
      put(std::int32_t{8});
      put(value);
    }
    void add_float8(double value) {
      put(std::int32_t{8});
      put(std::bit_cast<std::uint64_t>(value));
    }
    void add_bool(bool value) {
      put(std::int32_t{1});
      *at_++ = value ? 1 : 0;
    }
    void add_text(std::string_view value) {
      put(static_cast<std::int32_t>(value.size()));
      std::memcpy(at_, value.data(), value.size());
      at_ += value.size();
    }
    void add_timestamptz(std::int64_t unix_micros) { add_int8(unix_micros - kPostgresEpochMicros); }

    /// Bytes a field takes at most: its length word and 8 bytes of value (text: its length instead).
    static constexpr std::size_t kMaxFixedField = 12;

   private:
    template <typename T>
    void put(T value) {
      auto raw = static_cast<std::make_unsigned_t<T>>(value);
      if constexpr (sizeof(T) == 2) raw = __builtin_bswap16(raw);
      if constexpr (sizeof(T) == 4) raw = __builtin_bswap32(raw);
      if constexpr (sizeof(T) == 8) raw = __builtin_bswap64(raw);
      std::memcpy(at_, &raw, sizeof(T));
      at_ += sizeof(T);
    }

    CopyBuffer& buffer_;
    char* at_;
  };

  [[nodiscard]] std::string_view bytes() const { return {data_.get(), size_}; }
  [[nodiscard]] std::int64_t rows() const { return rows_; }
  [[nodiscard]] bool empty() const { return rows_ == 0; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  void clear() {
    size_ = 0;
    rows_ = 0;
  }
  /// Room for `bytes` in all, with 1/16 more: a reused buffer then fits the next file of about the
  /// same size instead of being reallocated for a few bytes more.
  void reserve(std::size_t bytes) {
    if (bytes > capacity_) grow_to(bytes + bytes / 16);
  }
  /// reserve(), and this buffer's memory from now on in whole huge pages (core/huge_pages.hpp) once it is a
  /// megabyte or more: for the buffers a file's rows or blocks are written into, reused from file to file. Not
  /// for one-off buffers sized by a bound they seldom reach: a huge page is resident once any byte of it is.
  void reserve_in_huge_pages(std::size_t bytes) {
    huge_pages_ = true;
    reserve(bytes);
  }
  /// Drops the memory too (clear() keeps it for reuse).
  void release() {
    data_.reset();
    size_ = capacity_ = 0;
    rows_ = 0;
  }

  /// The 19-byte stream header: signature, flags, header extension length.
  static std::string_view header() {
    static constexpr char kHeader[] = "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
    return {kHeader, 19};
  }
  /// The stream trailer: a field count of -1.
  static std::string_view trailer() {
    static constexpr char kTrailer[] = "\377\377";
    return {kTrailer, 2};
  }

 private:
  // A plain growable buffer: std::string::append costs a call per field, this is a bounds check
  // and a fixed-size memcpy the compiler turns into one store.
  void ensure(std::size_t more) {
    if (size_ + more > capacity_) grow_to(std::max(capacity_ * 2, size_ + more + 4096));
  }
  void grow_to(std::size_t capacity) {
    HugePageBytes bigger = huge_pages_ ? HugePageBytes(static_cast<char*>(allocate_huge_pages(capacity)), {capacity})
                                       : HugePageBytes(new char[capacity], {0});
    if (size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  template <typename T>
  void put_be(T value) {
    auto raw = static_cast<std::make_unsigned_t<T>>(value);
    if constexpr (sizeof(T) == 2) raw = __builtin_bswap16(raw);
    if constexpr (sizeof(T) == 4) raw = __builtin_bswap32(raw);
    if constexpr (sizeof(T) == 8) raw = __builtin_bswap64(raw);
    ensure(sizeof(T));
    std::memcpy(data_.get() + size_, &raw, sizeof(T));
    size_ += sizeof(T);
  }

  HugePageBytes data_;
  std::size_t size_ = 0, capacity_ = 0;
  std::int64_t rows_ = 0;
  bool huge_pages_ = false;
};

}  // namespace sluice
