#include "load/blocks_migrate.hpp"

#include <fmt/format.h>

#include <bit>
#include <chrono>
#include <cstring>
#include <memory>
#include <set>

#include "core/errors.hpp"
#include "load/block_schema.hpp"
#include "load/schema.hpp"
#include "parse/block_builder.hpp"
#include "value/timestamp.hpp"

namespace sluice {
namespace {

// File ids are moved in batches of about this many readings: one COPY out and one in per batch, the batch's
// readings held in memory once as rows and once as blocks.
constexpr std::int64_t kBatchReadings = 1'000'000;

template <typename T>
T read_be(const char* p) {
  std::make_unsigned_t<T> raw;
  std::memcpy(&raw, p, sizeof raw);
  if constexpr (sizeof(T) == 2) raw = __builtin_bswap16(raw);
  if constexpr (sizeof(T) == 4) raw = __builtin_bswap32(raw);
  if constexpr (sizeof(T) == 8) raw = __builtin_bswap64(raw);
  return static_cast<T>(raw);
}

// Reads binary COPY rows of (configured columns..., file_id) back into values, the form the block builder takes.
class RowReader {
 public:
  RowReader(const std::string& data, const Config& config)
      : data_(data), config_(config), values_(config.columns.size()) {
    if (data.size() < 19 || data.compare(0, 11, std::string_view("PGCOPY\n\377\r\n\0", 11)) != 0)
      throw std::runtime_error("migration: COPY TO STDOUT did not send a binary COPY header");
    offset_ = 19 + read_be<std::uint32_t>(data.data() + 15);  // header extension length
  }

  // The next row, or false at the trailer.
  bool next() {
    if (read_be<std::int16_t>(take(2)) < 0) return false;
    for (std::size_t i = 0; i < config_.columns.size(); ++i) read_field(i);
    read_be<std::int32_t>(take(4));
    file_id_ = read_be<std::int64_t>(take(8));
    return true;
  }
  [[nodiscard]] const std::vector<FieldValue>& values() const { return values_; }
  [[nodiscard]] std::int64_t file_id() const { return file_id_; }

 private:
  const char* take(std::size_t bytes) {
    if (offset_ + bytes > data_.size()) throw std::runtime_error("migration: binary COPY data ends inside a row");
    const char* at = data_.data() + offset_;
    offset_ += bytes;
    return at;
  }
  void read_field(std::size_t column) {
    FieldValue& value = values_[column];
    const std::int32_t length = read_be<std::int32_t>(take(4));
    value.null = length < 0;
    if (value.null) return;
    const char* bytes = take(static_cast<std::size_t>(length));
    switch (config_.columns[column].type) {
      case ColumnType::timestamp: value.integer = read_be<std::int64_t>(bytes) + kPostgresEpochMicros; break;
      case ColumnType::text: value.text = std::string_view(bytes, static_cast<std::size_t>(length)); break;
      case ColumnType::float8: value.real = std::bit_cast<double>(read_be<std::int64_t>(bytes)); break;
      case ColumnType::int8: value.integer = read_be<std::int64_t>(bytes); break;
      case ColumnType::boolean: value.integer = bytes[0] != 0; break;
    }
  }

  const std::string& data_;
  const Config& config_;
  std::vector<FieldValue> values_;
  std::size_t offset_ = 0;
  std::int64_t file_id_ = 0;
};

// Moves the readings of file ids [first, last] from `old_table` into blocks (and loose readings).
std::int64_t move_batch(PgSession& session, pqxx::work& txn, const SqlNames& names, const Config& config,
                        const std::string& old_table, std::int64_t first, std::int64_t last) {
  const std::string data = session.copy_out(
      txn, fmt::format("COPY (SELECT {} FROM {} WHERE file_id BETWEEN {} AND {} ORDER BY file_id) TO STDOUT "
                       "(FORMAT binary)",
                       names.readings_column_list(), old_table, first, last));
  RowReader reader(data, config);
  CopyBuffer blocks, loose;
  std::set<int> years;
  std::unique_ptr<BlockBuilder> builder;
  std::int64_t file_id = 0, moved = 0;
  auto flush = [&] {
    if (builder) builder->finish(file_id, blocks, loose);
    builder.reset();
  };
  while (reader.next()) {
    if (!builder || reader.file_id() != file_id) {
      flush();
      builder = std::make_unique<BlockBuilder>(config);
      file_id = reader.file_id();
    }
    builder->add(reader.values());
    years.insert(year_of(reader.values()[config.timestamp_column].integer));
    ++moved;
  }
  flush();
  for (int year : years) txn.exec(blocks_partition_ddl(names, year));
  if (!blocks.empty()) session.copy_binary(txn, names.blocks_copy_sql(), {blocks.bytes()});
  if (!loose.empty()) session.copy_binary(txn, names.readings_copy_sql(names.loose_readings), {loose.bytes()});
  return moved;
}

}  // namespace

BlocksMigration migrate_rows_to_blocks(PgSession& session, const Config& config) {
  const auto started = std::chrono::steady_clock::now();
  const SqlNames names(session.connection(), config);
  BlocksMigration report;
  pqxx::work txn(session.connection());
  txn.exec_params("SELECT pg_advisory_xact_lock($1)", kDdlLockKey);
  if (stored_layout(txn, names) == StorageLayout::blocks) return report;
  check_readings_match_config(txn, names, config);
  // One transaction: readers see the rows table until the commit, then the view; a failure leaves the rows.
  const std::string old_table = names.schema + ".\"readings_before_blocks\"";
  txn.exec(fmt::format("ALTER TABLE {} RENAME TO \"readings_before_blocks\"", names.readings));
  txn.exec(blocks_ddl(names, config));
  std::int64_t first = -1, last = -1, batch = 0;
  auto move = [&] {
    if (first >= 0) report.readings += move_batch(session, txn, names, config, old_table, first, last);
    first = -1;
    batch = 0;
  };
  for (const auto& row : txn.exec(fmt::format("SELECT file_id, count(*) FROM {} GROUP BY 1 ORDER BY 1", old_table))) {
    if (first < 0) first = row[0].as<std::int64_t>();
    last = row[0].as<std::int64_t>();
    batch += row[1].as<std::int64_t>();
    if (batch >= kBatchReadings) move();
  }
  move();
  txn.exec(fmt::format("DROP TABLE {}", old_table));
  txn.commit();
  report.moved = true;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace sluice
