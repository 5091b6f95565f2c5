#pragma once
// Cuts the listed files into batches (--batch-files), drops other shards' files and files the ledger
// already holds, and groups the rest into load units of whole files.
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/file_ref.hpp"
#include "core/run_stats.hpp"
#include "pipeline/ledger.hpp"
#include "pipeline/ledger_rules.hpp"
#include "source/file_source.hpp"

namespace sluice {

struct Shard {
  std::uint64_t index = 0;
  std::uint64_t count = 1;
  /// Whether `uri` belongs to this shard: stable_hash(uri) % count == index.
  [[nodiscard]] bool owns(std::string_view uri) const;
};

/// The shard (0..count-1) that owns `uri`: stable_hash(uri) % count.
std::uint64_t stable_hash_shard(std::string_view uri, std::uint64_t count);

/// Parses "I/N" (0 <= I < N); throws UsageError.
Shard parse_shard(std::string_view text);

struct PlannerOptions {
  std::size_t batch_files = 10'000;
  std::uint64_t unit_bytes = 8ull << 20;  ///< a unit closes once its files reach this many bytes
  std::size_t unit_files = 1'000;         ///< ... or this many files
  /// A small batch is cut into at least this many units (of at least min_unit_bytes), not into a few of
  /// unit_bytes: the first COPY then starts after a small unit is parsed, and the last one runs alone
  /// briefly. A batch of more than min_units * unit_bytes is unaffected.
  std::size_t min_units = 16;
  std::uint64_t min_unit_bytes = 1ull << 20;
  Shard shard;
  LedgerRules rules;
  /// Told about each file skipped because the ledger holds it as loaded or given up (to finish a move a crash
  /// interrupted, or to quarantine a file given up on).
  std::function<void(const FileRef&, const LedgerRow&)> on_known;
  /// Told about a file skipped because it is the same file as one planned before under another name.
  std::function<void(const FileRef& file, const std::string& first_uri)> on_link;
};

struct UnitPlan {
  std::vector<FileRef> files;
  std::vector<std::int64_t> file_ids;
};

class UnitPlanner {
 public:
  UnitPlanner(FileSource& source, Ledger& ledger, PlannerOptions options, RunStats& stats);

  /// The next load unit, or nothing when every source is exhausted. Not thread-safe: one caller.
  std::optional<UnitPlan> next();

 private:
  void plan_batch();

  FileSource& source_;
  Ledger& ledger_;
  PlannerOptions options_;
  RunStats& stats_;
  std::deque<UnitPlan> ready_;
  std::unordered_set<std::string> seen_in_batch_;
  /// Local files planned in this run by (device, inode): a file reachable twice (a symbolic or hard link in
  /// the same source) loads once.
  std::unordered_map<std::uint64_t, std::unordered_map<std::uint64_t, std::string>> seen_files_;
  bool exhausted_ = false;
};

}  // namespace sluice
