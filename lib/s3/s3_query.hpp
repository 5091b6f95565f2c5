#pragma once
// URL encoding the way SigV4 wants it. libcurl 7.88 signs the path and query verbatim, so
// sluice hands it strings that already are canonical: RFC 3986 encoded, parameters sorted, always key=value.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

/// `text` with every byte but A-Z a-z 0-9 - . _ ~ written as %XX (upper-case hex); '/' is kept when
/// `keep_slash` (for object keys in a path), encoded otherwise (for query values such as a prefix).
std::string uri_encode(std::string_view text, bool keep_slash);

/// The query string of `parameters`: each name and value encoded, sorted by name then value, joined as
/// name=value with '&'. A parameter with an empty value is written "name=" (never a bare "name").
std::string canonical_query(std::vector<std::pair<std::string, std::string>> parameters);

}  // namespace sluice
