#pragma once
// What the planner asks of the ledger, without knowing it lives in PostgreSQL (source/
// never talks to the database; the pipeline passes this in).
#include <cstdint>
#include <string>
#include <vector>

#include "core/file_ref.hpp"

namespace sluice {

/// What the ledger says of a file with the same uri, size and etag.
struct LedgerEntry {
  bool known = false;   ///< already processed: skip it
  bool failed = false;  ///< processed and failed (`error` says why)
  std::string error;
};

class Ledger {
 public:
  virtual ~Ledger() = default;
  /// For each file, whether the ledger already holds it with the same uri, size and etag.
  virtual std::vector<LedgerEntry> known(const std::vector<FileRef>& files) = 0;
  /// `count` new, never reused file ids.
  virtual std::vector<std::int64_t> allocate_ids(std::size_t count) = 0;
};

/// --dry-run: nothing is known, ids are counted locally.
class NullLedger final : public Ledger {
 public:
  std::vector<LedgerEntry> known(const std::vector<FileRef>& files) override {
    return std::vector<LedgerEntry>(files.size());
  }
  std::vector<std::int64_t> allocate_ids(std::size_t count) override {
    std::vector<std::int64_t> ids(count);
    for (auto& id : ids) id = ++next_;
    return ids;
  }

 private:
  std::int64_t next_ = 0;
};

}  // namespace sluice
