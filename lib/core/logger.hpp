#pragma once
// Log lines on stderr, human text or JSON (for log shippers); one line per event, thread-safe.
#include <mutex>
#include <string>
#include <string_view>

namespace sluice {

enum class LogFormat { text, json };

class Logger {
 public:
  explicit Logger(LogFormat format = LogFormat::text, bool quiet = false) : format_(format), quiet_(quiet) {}

  void info(std::string_view message) { write("info", message); }
  void warn(std::string_view message) { write("warn", message); }
  void error(std::string_view message) { write("error", message); }

  /// Called around each log line so a progress bar can clear and redraw itself.
  void set_line_guard(std::mutex* terminal_mutex) { terminal_mutex_ = terminal_mutex; }

 private:
  void write(std::string_view level, std::string_view message);

  LogFormat format_;
  bool quiet_;
  std::mutex mutex_;
  std::mutex* terminal_mutex_ = nullptr;
};

/// `text` as a JSON string literal, quotes included.
std::string json_quote(std::string_view text);

}  // namespace sluice
