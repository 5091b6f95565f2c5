// CopyBuffer (lib/encode/copy_buffer.hpp): PostgreSQL binary COPY bytes, checked byte for byte.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "encode/copy_buffer.hpp"

namespace {

using sluice::CopyBuffer;

std::string bytes(std::initializer_list<unsigned> values) {
  std::string out;
  for (unsigned value : values) out.push_back(static_cast<char>(value));
  return out;
}

}  // namespace

TEST_CASE("copy_buffer: the 19-byte header and the trailer") {
  const std::string_view header = CopyBuffer::header();
  REQUIRE(header.size() == 19);
  CHECK(header == std::string_view("PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0", 19));
  CHECK(header == bytes({'P', 'G', 'C', 'O', 'P', 'Y', 0x0A, 0xFF, 0x0D, 0x0A, 0x00,  // signature
                         0, 0, 0, 0,                                                  // flags
                         0, 0, 0, 0}));                                               // extension length
  CHECK(CopyBuffer::trailer() == bytes({0xFF, 0xFF}));
}

TEST_CASE("copy_buffer: an empty buffer") {
  CopyBuffer buffer;
  CHECK(buffer.empty());
  CHECK(buffer.rows() == 0);
  CHECK(buffer.bytes().empty());
}

TEST_CASE("copy_buffer: field count is a big-endian int16 and counts rows") {
  CopyBuffer buffer;
  buffer.begin_row(7);
  CHECK(buffer.bytes() == bytes({0x00, 0x07}));
  CHECK(buffer.rows() == 1);
  CHECK_FALSE(buffer.empty());
  buffer.begin_row(0x0102);
  CHECK(buffer.bytes() == bytes({0x00, 0x07, 0x01, 0x02}));
  CHECK(buffer.rows() == 2);
}

TEST_CASE("copy_buffer: NULL is a length of -1") {
  CopyBuffer buffer;
  buffer.add_null();
  CHECK(buffer.bytes() == bytes({0xFF, 0xFF, 0xFF, 0xFF}));
  CHECK(buffer.rows() == 0);  // only begin_row counts rows
}

TEST_CASE("copy_buffer: int8 is length 8 then a big-endian int64") {
  CopyBuffer buffer;
  buffer.add_int8(0x0102030405060708);
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08}));
  buffer.clear();
  buffer.add_int8(-2);
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE}));
  buffer.clear();
  buffer.add_int8(std::numeric_limits<std::int64_t>::min());
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0x80, 0, 0, 0, 0, 0, 0, 0}));
}

TEST_CASE("copy_buffer: float8 is length 8 then the IEEE-754 bits, big-endian") {
  CopyBuffer buffer;
  buffer.add_float8(1.5);  // 0x3FF8000000000000
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0}));
  buffer.clear();
  buffer.add_float8(-2.0);  // 0xC000000000000000
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0xC0, 0x00, 0, 0, 0, 0, 0, 0}));
  buffer.clear();
  buffer.add_float8(0.1);  // 0x3FB999999999999A
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0x3F, 0xB9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9A}));
  buffer.clear();
  buffer.add_float8(-0.0);
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0x80, 0, 0, 0, 0, 0, 0, 0}));
}

TEST_CASE("copy_buffer: text is an int32 length then the raw bytes") {
  CopyBuffer buffer;
  buffer.add_text("s1");
  CHECK(buffer.bytes() == bytes({0, 0, 0, 2, 's', '1'}));
  buffer.clear();
  buffer.add_text("");
  CHECK(buffer.bytes() == bytes({0, 0, 0, 0}));
  buffer.clear();
  const std::string long_text(0x010203, 'x');
  buffer.add_text(long_text);
  REQUIRE(buffer.bytes().size() == 4 + long_text.size());
  CHECK(buffer.bytes().substr(0, 4) == bytes({0x00, 0x01, 0x02, 0x03}));
  CHECK(buffer.bytes().substr(4) == long_text);
  buffer.clear();
  buffer.add_text("caf\xC3\xA9");
  CHECK(buffer.bytes() == bytes({0, 0, 0, 5, 'c', 'a', 'f', 0xC3, 0xA9}));
}

TEST_CASE("copy_buffer: bool is length 1 then 0 or 1") {
  CopyBuffer buffer;
  buffer.add_bool(true);
  buffer.add_bool(false);
  CHECK(buffer.bytes() == bytes({0, 0, 0, 1, 1, 0, 0, 0, 1, 0}));
}

TEST_CASE("copy_buffer: timestamptz is microseconds since 2000-01-01 UTC") {
  CHECK(sluice::kPostgresEpochMicros == 946'684'800'000'000);
  CopyBuffer buffer;
  buffer.add_timestamptz(946'684'800'000'000);  // 2000-01-01T00:00:00Z
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0}));
  buffer.clear();
  buffer.add_timestamptz(946'684'800'000'001);
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1}));
  buffer.clear();
  buffer.add_timestamptz(0);  // 1970-01-01: -946684800000000 = 0xFFFCA2FEC4C82000
  CHECK(buffer.bytes() == bytes({0, 0, 0, 8, 0xFF, 0xFC, 0xA2, 0xFE, 0xC4, 0xC8, 0x20, 0x00}));
}

TEST_CASE("copy_buffer: a whole row, clear and release") {
  CopyBuffer buffer;
  buffer.begin_row(3);
  buffer.add_int8(1);
  buffer.add_null();
  buffer.add_text("a");
  const std::string expected =
      bytes({0, 3, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 'a'});
  CHECK(buffer.bytes() == expected);
  CHECK(buffer.rows() == 1);
  buffer.clear();
  CHECK(buffer.empty());
  CHECK(buffer.bytes().empty());
  buffer.begin_row(3);
  buffer.add_int8(1);
  buffer.add_null();
  buffer.add_text("a");
  CHECK(buffer.bytes() == expected);  // reused after clear()
  buffer.release();
  CHECK(buffer.rows() == 0);
  CHECK(buffer.bytes().empty());
}

TEST_CASE("copy_buffer: a RowCursor writes the same bytes as the add_* calls, growing the buffer as needed") {
  CopyBuffer by_field, by_cursor;
  for (int row = 0; row < 3000; ++row) {  // past the first allocation: the cursor's one check must grow it
    const std::string text(static_cast<std::size_t>(row % 50), 'x');
    by_field.begin_row(6);
    by_field.add_timestamptz(1'700'000'000'000'000 + row);
    by_field.add_text(text);
    by_field.add_float8(-0.5 * row);
    by_field.add_null();
    by_field.add_bool(row % 2 == 0);
    by_field.add_int8(-row);
    {
      CopyBuffer::RowCursor cursor(by_cursor, 6, 6 * CopyBuffer::RowCursor::kMaxFixedField + text.size());
      cursor.add_timestamptz(1'700'000'000'000'000 + row);
      cursor.add_text(text);
      cursor.add_float8(-0.5 * row);
      cursor.add_null();
      cursor.add_bool(row % 2 == 0);
      cursor.add_int8(-row);
    }
    REQUIRE(by_cursor.bytes() == by_field.bytes());
  }
  CHECK(by_cursor.rows() == 3000);
}

TEST_CASE("copy_buffer: a moved-from buffer is empty and usable") {
  CopyBuffer first;
  first.begin_row(1);
  first.add_int8(7);
  CopyBuffer second = std::move(first);
  CHECK(second.rows() == 1);
  CHECK(first.rows() == 0);      // NOLINT(bugprone-use-after-move): the state after a move is specified
  CHECK(first.capacity() == 0);  // NOLINT(bugprone-use-after-move)
  first.begin_row(1);            // NOLINT(bugprone-use-after-move)
  first.add_int8(8);
  CHECK(first.bytes() == bytes({0, 1, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 8}));
  CopyBuffer third;
  third = std::move(second);
  CHECK(third.rows() == 1);
  CHECK(second.capacity() == 0);  // NOLINT(bugprone-use-after-move)
}

TEST_CASE("copy_buffer: a buffer reserved in huge pages starts on one and keeps its rows as it grows") {
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  CopyBuffer buffer;
  buffer.reserve_in_huge_pages(3 << 20);
  buffer.add_int8(1);  // allocated: the rounded reservation starts on a huge page
  CHECK(reinterpret_cast<std::uintptr_t>(buffer.bytes().data()) % kHuge == 0);
  CHECK(buffer.capacity() % kHuge == 0);
  const std::size_t first = buffer.capacity();
  for (std::int64_t i = 0; buffer.capacity() == first; ++i) buffer.add_int8(i);  // grows past it
  CHECK(reinterpret_cast<std::uintptr_t>(buffer.bytes().data()) % kHuge == 0);
  const std::string_view bytes = buffer.bytes();
  CHECK(bytes.substr(0, 12) == std::string_view("\0\0\0\x08\0\0\0\0\0\0\0\x01", 12));
  CHECK(bytes.substr(12, 12) == std::string_view("\0\0\0\x08\0\0\0\0\0\0\0\0", 12));
  CopyBuffer moved = std::move(buffer);
  moved.clear();
  moved.reserve(moved.capacity() * 2);  // still in huge pages after a move
  moved.add_int8(2);
  CHECK(reinterpret_cast<std::uintptr_t>(moved.bytes().data()) % kHuge == 0);
}
