#include "core/redact.hpp"

#include <regex>

namespace sluice {

std::string redact_dsn(std::string_view dsn) {
  std::string out(dsn);
  // URI form: postgresql://user:secret@host/db  (the password is everything between ':' and '@').
  static const std::regex uri_password(R"(((?:postgres|postgresql)://[^:/@\s]*:)[^@\s]*@)", std::regex::icase);
  out = std::regex_replace(out, uri_password, "$1***@");
  // key=value form, quoted or not, and a password= query parameter in a URI.
  static const std::regex kv_password(R"((password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*))", std::regex::icase);
  return std::regex_replace(out, kv_password, "$1***");
}

std::string redact_secrets(std::string text, std::initializer_list<std::string_view> secrets) {
  for (std::string_view secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
      text.replace(pos, secret.size(), "***");
  }
  return text;
}

}  // namespace sluice
