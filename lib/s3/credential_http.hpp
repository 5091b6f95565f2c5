#pragma once
// The one HTTP exchange each credential endpoint needs (STS, the container endpoint, instance metadata):
// libcurl, no retries (the S3 client retries a transient failure), short timeouts, a bounded answer.
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct HttpExchange {
  std::string method = "GET";  ///< GET, PUT or POST
  std::string url;
  std::vector<std::string> headers;  ///< "Name: value"
  std::string body;                  ///< PUT/POST only
  long connect_timeout_ms = 2000;
  long timeout_ms = 10000;
  bool use_proxy = true;  ///< false for link-local endpoints, which a proxy cannot reach
};

struct HttpAnswer {
  int status = 0;
  std::string body;  ///< at most 1 MiB
};

/// Sends `exchange` and returns the answer, whatever its status. Throws CredentialError (transient) when no
/// HTTP answer came: refused, timed out, unresolvable. `service` names the endpoint in the message
/// ("web identity: STS at https://sts...: Connection refused").
HttpAnswer http_exchange(const HttpExchange& exchange, std::string_view service);

/// Whether an answer with this status is worth asking again for later (5xx, 429).
bool http_status_is_transient(int status);

}  // namespace sluice
