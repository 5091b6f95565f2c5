#include "core/logger.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>

namespace sluice {

std::string json_quote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20)
          out += fmt::format("\\u{:04x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void Logger::write(std::string_view level, std::string_view message) {
  if (quiet_ && level == "info") return;
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string line;
  if (format_ == LogFormat::json)
    line = fmt::format("{{\"time\":\"{:%Y-%m-%dT%H:%M:%S}Z\",\"level\":\"{}\",\"message\":{}}}\n", now, level,
                       json_quote(message));
  else
    line = fmt::format("sluice: {}: {}\n", level, message);
  std::lock_guard lock(mutex_);
  std::unique_lock<std::mutex> terminal;
  if (terminal_mutex_) terminal = std::unique_lock(*terminal_mutex_);
  std::fputs(line.c_str(), stderr);
}

}  // namespace sluice
