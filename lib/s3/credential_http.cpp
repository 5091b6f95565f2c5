#include "s3/credential_http.hpp"

#include <curl/curl.h>

#include <fmt/format.h>

#include <memory>
#include <mutex>

#include "s3/aws_credentials.hpp"

namespace sluice {
namespace {

constexpr std::size_t kMaxAnswerBytes = 1 << 20;  // credential documents are a few KiB

// curl_global_init is reference counted, but not thread-safe in curl 7.88: once, before the first handle here.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Answer {
  std::string bytes;
  bool too_large = false;
};

std::size_t append_answer(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  if (answer->bytes.size() + size * count > kMaxAnswerBytes) {
    answer->too_large = true;
    return 0;
  }
  answer->bytes.append(data, size * count);
  return size * count;
}

using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

}  // namespace

HttpAnswer http_exchange(const HttpExchange& exchange, std::string_view service) {
  init_curl_once();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) throw CredentialError(fmt::format("{}: curl_easy_init failed", service), true);
  HeaderList headers(nullptr, &curl_slist_free_all);
  for (const std::string& header : exchange.headers)
    headers.reset(curl_slist_append(headers.release(), header.c_str()));
  char error_text[CURL_ERROR_SIZE] = {0};
  Answer answer;
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, exchange.url.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &append_answer);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "sluice/0.1");
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS, exchange.connect_timeout_ms);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, exchange.timeout_ms);
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!exchange.use_proxy) curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
  if (exchange.method != "GET") {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, exchange.method.c_str());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, exchange.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(exchange.body.size()));
  }
  const CURLcode code = curl_easy_perform(handle);
  if (answer.too_large)
    throw CredentialError(fmt::format("{}: the answer is over {} bytes", service, kMaxAnswerBytes), false);
  if (code != CURLE_OK)
    throw CredentialError(fmt::format("{}: {}", service, error_text[0] != '\0' ? error_text : curl_easy_strerror(code)),
                          true);
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  return HttpAnswer{static_cast<int>(status), std::move(answer.bytes)};
}

bool http_status_is_transient(int status) { return status >= 500 || status == 429; }

}  // namespace sluice
