#include "report/summary.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "core/logger.hpp"

namespace sluice {
namespace {

std::string grouped(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return value < 0 ? "-" + out : out;
}

double rate(double amount, double seconds) { return seconds > 0 ? amount / seconds : 0; }

std::string kafka_json(const ConsumerStats& kafka) {
  if (!kafka.active) return "";
  return fmt::format(
      ",\n  \"kafka\": {{\"messages\": {}, \"files\": {}, \"ignored\": {}, \"poison\": {}, \"stale\": {}, "
      "\"identified_by_head\": {}, \"batches\": {}, "
      "\"commits_failed\": {}, \"batches_over_reject_ratio\": {}, \"last_commit_unix\": {}}}",
      kafka.messages.load(), kafka.files.load(), kafka.ignored.load(), kafka.poison.load(), kafka.stale.load(),
      kafka.identified.load(), kafka.batches.load(), kafka.commits_failed.load(),
      kafka.batches_over_reject_ratio.load(), kafka.last_commit_unix.load());
}

}  // namespace

std::string human_summary(const RunStats& stats, const RunOutcome& outcome) {
  const double seconds = stats.elapsed_seconds();
  const std::int64_t rows = stats.rows_loaded;
  std::string out = fmt::format(
      "sluice{}: {} files: {} loaded, {} skipped (already loaded), {} failed\n"
      "  rows: {} loaded, {} rejected in {:.2f} s ({} rows/s, {:.1f} MB/s)\n",
      outcome.dry_run ? " (dry run, nothing written)" : "", grouped(stats.files_listed), grouped(stats.files_loaded),
      grouped(stats.files_skipped), grouped(stats.files_failed), grouped(rows), grouped(stats.rows_rejected), seconds,
      grouped(static_cast<std::int64_t>(rate(static_cast<double>(rows), seconds))),
      rate(static_cast<double>(stats.bytes_parsed) / 1e6, seconds));
  const auto reasons = stats.reject_reasons();
  if (!reasons.empty()) {
    out += "  rejected by reason:";
    for (const auto& [reason, count] : reasons) out += fmt::format(" {} {};", reason, grouped(count));
    out.back() = '\n';
  }
  const auto failures = stats.failures();
  if (!failures.empty()) {
    out += "  failed files:\n";
    for (const FailedFile& failure : failures) out += fmt::format("    {}: {}\n", failure.uri, failure.reason);
  }
  const auto given_up = stats.given_up();
  if (!given_up.empty()) {
    out += fmt::format("  given up (failed --max-attempts times; `sluice retry URI` tries again): {}\n",
                       grouped(stats.files_given_up));
    for (const FailedFile& file : given_up) out += fmt::format("    {}: {}\n", file.uri, file.reason);
  }
  if (stats.files_linked > 0)
    out +=
        fmt::format("  links: {} names of files listed under another name, loaded once\n", grouped(stats.files_linked));
  if (stats.retries > 0) out += fmt::format("  retries: {}\n", stats.retries.load());
  const ConsumerStats& kafka = stats.consumer;
  if (kafka.active)
    out += fmt::format(
        "  kafka: {} messages, {} files announced, {} events ignored (not ObjectCreated), {} poison, "
        "{} batches committed{}{}{}{}\n",
        kafka.messages.load(), kafka.files.load(), kafka.ignored.load(), kafka.poison.load(), kafka.batches.load(),
        kafka.stale > 0 ? fmt::format(", {} stale (older events than the ledger's: skipped)", kafka.stale.load()) : "",
        kafka.duplicates > 0 ? fmt::format(", {} announced again in their batch (loaded once)", kafka.duplicates.load())
                             : "",
        kafka.commits_failed > 0 ? fmt::format(" ({} with offsets not committed)", kafka.commits_failed.load()) : "",
        kafka.batches_over_reject_ratio > 0
            ? fmt::format(", {} over --max-reject-ratio", kafka.batches_over_reject_ratio.load())
            : "");
  if (!outcome.error.empty()) out += fmt::format("  error: {}\n", outcome.error);
  out += fmt::format("  status: {} (exit {})\n", outcome.status, outcome.exit_code);
  return out;
}

std::string json_summary(const RunStats& stats, const RunOutcome& outcome) {
  const double seconds = stats.elapsed_seconds();
  std::string reasons;
  for (const auto& [reason, count] : stats.reject_reasons())
    reasons += fmt::format("{}{}: {}", reasons.empty() ? "" : ", ", json_quote(reason), count);
  std::string failures;
  for (const FailedFile& failure : stats.failures())
    failures += fmt::format("{}{{\"uri\": {}, \"reason\": {}}}", failures.empty() ? "" : ", ", json_quote(failure.uri),
                            json_quote(failure.reason));
  return fmt::format(
      "{{\n"
      "  \"status\": {}, \"exit_code\": {}, \"dry_run\": {}, \"error\": {},\n"
      "  \"files\": {{\"listed\": {}, \"loaded\": {}, \"replaced\": {}, \"skipped\": {}, \"failed\": {}, "
      "\"given_up\": {}, \"linked\": {}}},\n"
      "  \"rows\": {{\"loaded\": {}, \"rejected\": {}}},\n"
      "  \"rejects_by_reason\": {{{}}},\n"
      "  \"failed_files\": [{}],\n"
      "  \"bytes\": {{\"listed\": {}, \"read\": {}, \"parsed\": {}}},\n"
      "  \"batches\": {}, \"units\": {}, \"retries\": {},\n"
      "  \"seconds\": {:.3f}, \"rows_per_second\": {:.0f}, \"mb_per_second\": {:.2f},\n"
      "  \"stage_seconds\": {{\"fetch\": {:.3f}, \"parse\": {:.3f}, \"load\": {:.3f}}}{}\n"
      "}}\n",
      json_quote(outcome.status), outcome.exit_code, outcome.dry_run ? "true" : "false",
      outcome.error.empty() ? "null" : json_quote(outcome.error), stats.files_listed.load(), stats.files_loaded.load(),
      stats.files_replaced.load(), stats.files_skipped.load(), stats.files_failed.load(), stats.files_given_up.load(),
      stats.files_linked.load(), stats.rows_loaded.load(), stats.rows_rejected.load(), reasons, failures,
      stats.bytes_listed.load(), stats.bytes_read.load(), stats.bytes_parsed.load(), stats.batches.load(),
      stats.units_committed.load(), stats.retries.load(), seconds,
      rate(static_cast<double>(stats.rows_loaded), seconds),
      rate(static_cast<double>(stats.bytes_parsed) / 1e6, seconds), static_cast<double>(stats.fetch_micros) / 1e6,
      static_cast<double>(stats.parse_micros) / 1e6, static_cast<double>(stats.load_micros) / 1e6,
      kafka_json(stats.consumer));
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = fmt::format("{}.tmp.{}", path, ::getpid());
  std::FILE* out = std::fopen(temporary.c_str(), "wb");
  if (!out) throw std::runtime_error(fmt::format("cannot write {}", temporary));
  const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    throw std::runtime_error(fmt::format("cannot write {}", path));
  }
}

}  // namespace sluice
