#include "parse/number.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace sluice {

std::string_view trim_blanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Drops one leading '+'; false when a second sign follows ("+-5").
bool strip_plus(std::string_view& text) {
  if (text.empty() || text.front() != '+') return true;
  text.remove_prefix(1);
  return text.empty() || (text.front() != '-' && text.front() != '+');
}

bool parse_double(std::string_view text, double& out, bool decimal_comma) {
  text = trim_blanks(text);
  if (!strip_plus(text) || text.empty()) return false;
  // from_chars also takes "nan", "inf" and "infinity": a number must start with a digit, '.' or '-'.
  const char first = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
  if (!(first >= '0' && first <= '9') && first != '.' && !(decimal_comma && first == ',')) return false;
  std::string with_point;
  if (decimal_comma) {
    if (text.find('.') != std::string_view::npos) return false;
    with_point.assign(text);
    for (char& c : with_point)
      if (c == ',') c = '.';
    text = with_point;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (error != std::errc() || end != text.data() + text.size()) return false;
  return std::isfinite(out);
}

bool parse_int64(std::string_view text, std::int64_t& out) {
  text = trim_blanks(text);
  if (!strip_plus(text) || text.empty()) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace sluice
