#include "load/ledger_rows.hpp"

#include <fmt/format.h>

#include "load/schema.hpp"

namespace sluice {

std::string text_array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const std::string& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::unordered_map<std::string, LedgerRow> current_ledger_rows(pqxx::transaction_base& txn, const SqlNames& names,
                                                               const std::vector<std::string>& uris) {
  const pqxx::result result = txn.exec_params(
      fmt::format("SELECT uri, file_id, size, etag, status, attempts, coalesce(error, ''), stored_size IS NOT NULL, "
                  "coalesce(device, 0), coalesce(inode, 0), dispose_pending, coalesce(sequencer, '') FROM {} "
                  "WHERE uri = ANY($1::text[]) AND status IN {}",
                  names.files, kActiveLedgerStatesSql),
      text_array_literal(uris));
  std::unordered_map<std::string, LedgerRow> rows;
  for (const auto& r : result) {
    LedgerRow row;
    row.file_id = r[1].as<std::int64_t>();
    row.size = r[2].as<std::uint64_t>();
    row.version = r[3].c_str();
    row.state = parse_ledger_state(r[4].c_str());
    row.attempts = r[5].as<int>();
    row.error = r[6].c_str();
    row.has_rows = r[7].as<bool>();
    row.device = static_cast<std::uint64_t>(r[8].as<std::int64_t>());
    row.inode = static_cast<std::uint64_t>(r[9].as<std::int64_t>());
    row.dispose_pending = r[10].as<bool>();
    row.sequencer = r[11].c_str();
    rows.emplace(r[0].as<std::string>(), std::move(row));
  }
  return rows;
}

}  // namespace sluice
