#include "report/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace sluice {

Progress::Progress(const RunStats& stats, ProgressMode mode, double interval_seconds)
    : stats_(stats), interval_seconds_(interval_seconds) {
  terminal_ = ::isatty(STDERR_FILENO) == 1;
  // On a terminal: a redrawn bar; elsewhere (cron, Airflow logs): one status line per interval.
  if (mode != ProgressMode::never) thread_ = std::thread([this] { loop(); });
}

Progress::~Progress() { stop(); }

void Progress::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Progress::loop() {
  const auto period = std::chrono::duration<double>(terminal_ ? 0.25 : interval_seconds_);
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period, [this] { return stopping_; })) draw(false);
  if (terminal_) draw(true);
}

void Progress::draw(bool final_line) {
  const double seconds = stats_.elapsed_seconds();
  const auto done_files = stats_.files_loaded + stats_.files_skipped + stats_.files_failed;
  const auto total_files = stats_.files_listed.load();
  const double done_bytes = static_cast<double>(stats_.bytes_done),
               total_bytes = static_cast<double>(stats_.bytes_listed);
  const double fraction = total_bytes > 0 ? done_bytes / total_bytes : 0;
  const double rows_per_second = seconds > 0 ? static_cast<double>(stats_.rows_loaded) / seconds : 0;
  std::string eta = "?";
  if (stats_.listing_done && fraction > 0.01 && fraction < 1)
    eta = fmt::format("{:.0f}s", seconds * (1 - fraction) / fraction);
  if (fraction >= 1) eta = "0s";
  std::string line =
      fmt::format("files {}/{}{}  {:.1f}/{:.1f} MB  {:.0f} rows/s  rejects {}  failed {}  ETA {}", done_files,
                  total_files, stats_.listing_done ? "" : "+", done_bytes / 1e6, total_bytes / 1e6, rows_per_second,
                  stats_.rows_rejected.load(), stats_.files_failed.load(), eta);
  std::lock_guard terminal(terminal_mutex_);
  if (terminal_) {
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(fraction * kWidth);
    std::fprintf(stderr, "\r[%s%s] %s\033[K%s", std::string(static_cast<std::size_t>(filled), '#').c_str(),
                 std::string(static_cast<std::size_t>(kWidth - filled), '.').c_str(), line.c_str(),
                 final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "sluice: progress: %s\n", line.c_str());
  }
  std::fflush(stderr);
}

}  // namespace sluice
