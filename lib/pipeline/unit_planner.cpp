#include "pipeline/unit_planner.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "core/errors.hpp"
#include "core/stable_hash.hpp"

namespace sluice {

std::uint64_t stable_hash_shard(std::string_view uri, std::uint64_t count) { return stable_hash(uri) % count; }

bool Shard::owns(std::string_view uri) const { return stable_hash_shard(uri, count) == index; }

Shard parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  Shard shard;
  auto number = [&](std::string_view part, std::uint64_t& out) {
    auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), out);
    return error == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  if (slash == std::string_view::npos || !number(text.substr(0, slash), shard.index) ||
      !number(text.substr(slash + 1), shard.count) || shard.count == 0 || shard.index >= shard.count)
    throw UsageError(fmt::format("--shard {}: expected I/N with 0 <= I < N, e.g. 0/4", text));
  return shard;
}

UnitPlanner::UnitPlanner(FileSource& source, Ledger& ledger, PlannerOptions options, RunStats& stats)
    : source_(source), ledger_(ledger), options_(options), stats_(stats) {}

std::optional<UnitPlan> UnitPlanner::next() {
  while (ready_.empty() && !exhausted_) plan_batch();
  if (ready_.empty()) return std::nullopt;
  UnitPlan unit = std::move(ready_.front());
  ready_.pop_front();
  return unit;
}

void UnitPlanner::plan_batch() {
  std::vector<FileRef> batch;
  seen_in_batch_.clear();
  while (batch.size() < options_.batch_files) {
    std::optional<FileRef> file = source_.next();
    if (!file) {
      exhausted_ = true;
      stats_.listing_done = 1;
      break;
    }
    if (!options_.shard.owns(file->uri)) continue;
    if (!seen_in_batch_.insert(file->uri).second) continue;  // named twice (a folder and a file in it)
    if (file->scheme == FileScheme::local && file->inode != 0) {
      auto [first, inserted] = seen_files_[file->device].try_emplace(file->inode, file->uri);
      if (!inserted && first->second != file->uri) {
        stats_.files_linked += 1;
        if (options_.on_link) options_.on_link(*file, first->second);
        continue;
      }
    }
    stats_.files_listed += 1;
    stats_.bytes_listed += static_cast<std::int64_t>(file->size);
    batch.push_back(std::move(*file));
  }
  if (batch.empty()) return;
  stats_.batches += 1;
  const std::vector<std::optional<LedgerRow>> rows = ledger_.current(batch);
  std::vector<FileRef> todo;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const PlanStep step = plan_step(batch[i], rows[i], options_.rules);
    if (step == PlanStep::load) {
      todo.push_back(std::move(batch[i]));
      continue;
    }
    stats_.bytes_done += static_cast<std::int64_t>(batch[i].size);
    if (step == PlanStep::skip_given_up) {
      stats_.files_given_up += 1;
      stats_.add_given_up(batch[i].uri, rows[i]->error);
    } else {
      stats_.files_skipped += 1;
    }
    if (step == PlanStep::skip_stale) stats_.consumer.stale += 1;
    const bool known = step == PlanStep::skip_loaded || step == PlanStep::skip_given_up;
    if (known && options_.on_known) options_.on_known(batch[i], *rows[i]);
  }
  if (todo.empty()) return;
  std::vector<std::int64_t> ids = ledger_.allocate_ids(todo.size());
  std::uint64_t todo_bytes = 0;
  for (const FileRef& file : todo) todo_bytes += file.size;
  const std::uint64_t limit =
      std::min(options_.unit_bytes,
               std::max(options_.min_unit_bytes, todo_bytes / std::max<std::size_t>(1, options_.min_units)));
  UnitPlan unit;
  std::uint64_t unit_bytes = 0;
  for (std::size_t i = 0; i < todo.size(); ++i) {
    unit_bytes += todo[i].size;
    unit.files.push_back(std::move(todo[i]));
    unit.file_ids.push_back(ids[i]);
    if (unit_bytes >= limit || unit.files.size() >= options_.unit_files) {
      ready_.push_back(std::move(unit));
      unit = UnitPlan();
      unit_bytes = 0;
    }
  }
  if (!unit.files.empty()) ready_.push_back(std::move(unit));
}

}  // namespace sluice
