#pragma once
// Local files named as uris: RFC 8089 `file:` uris beside plain absolute paths, wherever a local path is
// accepted (ingest arguments, manifests, Kafka announcements).
#include <string>
#include <string_view>

namespace sluice {

/// True for text starting with "file:" (any case, as RFC 3986 schemes are).
bool is_file_uri(std::string_view text);

/// The local path that `text` names: an absolute path as it is, or `file:///p` / `file://localhost/p`
/// percent-decoded. Returns false with `error` set for a file uri naming another host, without an absolute
/// path, with a broken %-escape or an escaped NUL or '/'.
bool local_path_from_uri(std::string_view text, std::string& path, std::string& error);

}  // namespace sluice
