// BufferPool (lib/pipeline/buffer_pool.hpp): buffers come back empty with their capacity, within a bound.
#include <doctest/doctest.h>

#include <string>

#include "pipeline/buffer_pool.hpp"

using sluice::BufferPool;
using sluice::CopyBuffer;

TEST_CASE("buffer_pool: a buffer handed back is taken again, empty, with its memory") {
  BufferPool pool(8 << 20);
  std::string bytes = pool.take_bytes();
  CHECK(bytes.capacity() < (1 << 20));
  bytes.assign(1 << 20, 'x');
  const char* memory = bytes.data();
  pool.give(std::move(bytes));
  std::string again = pool.take_bytes();
  CHECK(again.empty());
  CHECK(again.capacity() >= (1 << 20));
  CHECK(again.data() == memory);

  CopyBuffer rows = pool.take_rows();
  rows.reserve(1 << 20);
  rows.begin_row(1);
  rows.add_int8(1);
  pool.give(std::move(rows));
  CopyBuffer rows_again = pool.take_rows();
  CHECK(rows_again.empty());
  CHECK(rows_again.bytes().empty());
  CHECK(rows_again.capacity() >= (1 << 20));
}

TEST_CASE("buffer_pool: keeps no more than its bound, and no small buffers") {
  BufferPool pool(3 << 20);
  for (int i = 0; i < 5; ++i) {
    std::string bytes(1 << 20, 'x');
    pool.give(std::move(bytes));
  }
  int kept = 0;
  while (pool.take_bytes().capacity() >= (1 << 20)) ++kept;
  CHECK(kept == 3);
  pool.give(std::string(100, 'x'));
  CHECK(pool.take_bytes().capacity() < 100 + 64);  // not kept: a fresh, empty string
}
