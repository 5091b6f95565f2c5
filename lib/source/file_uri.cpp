#include "source/file_uri.hpp"

#include <fmt/format.h>

#include <cctype>

namespace sluice {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

bool is_file_uri(std::string_view text) { return starts_with_ignoring_case(text, "file:"); }

bool local_path_from_uri(std::string_view text, std::string& path, std::string& error) {
  if (!is_file_uri(text)) {
    if (text.empty() || text.front() != '/') {
      error = fmt::format("{}: expected an absolute local path, a file:// uri or s3://bucket/key", text);
      return false;
    }
    path = std::string(text);
    return true;
  }
  std::string_view rest = text.substr(5);
  if (rest.starts_with("//")) {  // an authority: empty or localhost means this machine
    rest.remove_prefix(2);
    const auto slash = rest.find('/');
    const std::string_view host = rest.substr(0, slash);
    const bool this_machine = host.empty() || (host.size() == 9 && starts_with_ignoring_case(host, "localhost"));
    if (!this_machine) {
      error = fmt::format("{}: a file uri on another host ({}) cannot be read here", text, host);
      return false;
    }
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  }
  if (rest.empty() || rest.front() != '/') {
    error = fmt::format("{}: expected file:///absolute/path", text);
    return false;
  }
  std::string decoded;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '?' || rest[i] == '#') break;  // a query or fragment names no part of the file
    if (rest[i] != '%') {
      decoded += rest[i];
      continue;
    }
    const int high = i + 2 < rest.size() ? hex_value(rest[i + 1]) : -1;
    const int low = high >= 0 ? hex_value(rest[i + 2]) : -1;
    if (low < 0) {
      error = fmt::format("{}: broken %-escape", text);
      return false;
    }
    const char c = static_cast<char>(high * 16 + low);
    if (c == '\0' || c == '/') {
      error = fmt::format("{}: an escaped NUL or '/' names no file", text);
      return false;
    }
    decoded += c;
    i += 2;
  }
  path = std::move(decoded);
  return true;
}

}  // namespace sluice
