#pragma once
// Live progress on stderr: a redrawn bar on a terminal, a status line every few seconds elsewhere.
#include <condition_variable>
#include <mutex>
#include <string_view>
#include <thread>

#include "core/run_stats.hpp"

namespace sluice {

enum class ProgressMode { automatic, always, never };

/// "always", "never", anything else (the CLI checks it): automatic.
inline ProgressMode parse_progress_mode(std::string_view text) {
  if (text == "always") return ProgressMode::always;
  if (text == "never") return ProgressMode::never;
  return ProgressMode::automatic;
}

class Progress {
 public:
  /// Starts reporting unless mode is never; `interval_seconds` applies off a terminal.
  Progress(const RunStats& stats, ProgressMode mode, double interval_seconds);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Held while a log line is written, so the bar is not torn.
  std::mutex& terminal_mutex() { return terminal_mutex_; }
  void stop();

 private:
  void loop();
  void draw(bool final_line);

  const RunStats& stats_;
  bool terminal_ = false;
  double interval_seconds_;
  std::mutex mutex_, terminal_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sluice
