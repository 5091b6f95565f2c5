#include "s3/s3_client.hpp"

#include <curl/curl.h>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <cctype>

#include <memory>

#include "core/errors.hpp"
#include "core/redact.hpp"
#include "s3/s3_query.hpp"
#include "s3/s3_uri.hpp"

namespace sluice {
namespace {

// curl_global_init is not thread-safe in curl 7.88: run it once, before any handle exists.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct ResponseBody {
  std::string bytes;
  std::uint64_t max_bytes = 0;
  bool too_large = false;
};

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<ResponseBody*>(user);
  const std::size_t bytes = size * count;
  if (body->max_bytes > 0 && body->bytes.size() + bytes > body->max_bytes) {
    body->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  body->bytes.append(data, bytes);
  return bytes;
}

// Keeps the ETag header of an answer (S3 quotes it; the ledger keeps it bare).
std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* etag = static_cast<std::string*>(user);
  const std::string_view line(data, size * count);
  constexpr std::string_view kName = "etag:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (std::size_t i = 0; i < kName.size() && match; ++i)
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    if (match) {
      std::string_view value = line.substr(kName.size());
      while (!value.empty() && (value.front() == ' ' || value.front() == '"')) value.remove_prefix(1);
      while (!value.empty() &&
             (value.back() == '\r' || value.back() == '\n' || value.back() == ' ' || value.back() == '"'))
        value.remove_suffix(1);
      *etag = std::string(value);
    }
  }
  return size * count;
}

// Faults of the path to the server, not of the request: worth another try.
bool curl_code_is_transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
  }
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

std::string status_hint(int http_status, const AwsCredentials* credentials) {
  if (http_status == 403 && credentials == nullptr)
    return " (the request was anonymous: no credentials were found; see the README's S3 credential chain)";
  if (http_status == 403) return fmt::format(" (check the credentials from {})", credentials->source);
  if (http_status == 301) return " (the bucket is in another region: set AWS_REGION or --s3-region)";
  return {};
}

using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

// The credentials to sign with now (null: anonymous). A source that cannot give them is a failed request with
// no HTTP answer: retried when transient, an error about the environment otherwise.
std::shared_ptr<const AwsCredentials> signing_credentials(const S3Settings& settings, const std::string& uri) {
  if (!settings.credentials) return nullptr;
  try {
    return settings.credentials->current();
  } catch (const CredentialError& error) {
    throw S3RequestError(fmt::format("{}: no S3 credentials: {}", uri, error.what()), 0, "CredentialsUnavailable",
                         error.transient);
  }
}

// S3's answers to a session token past its expiry (or revoked early).
bool is_expired_token_error(const S3RequestError& error) {
  return error.code == "ExpiredToken" || error.code == "TokenRefreshRequired";
}

}  // namespace

S3Client::S3Client(S3Settings settings, Logger& logger, RetryPolicy retry, std::function<void()> on_retry)
    : settings_(std::move(settings)), logger_(logger), retry_(retry), on_retry_(std::move(on_retry)) {
  init_curl_once();
}

S3Client::~S3Client() {
  for (void* handle : idle_handles_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* S3Client::acquire_handle() {
  {
    std::lock_guard lock(idle_mutex_);
    if (!idle_handles_.empty()) {
      void* handle = idle_handles_.back();
      idle_handles_.pop_back();
      return handle;
    }
  }
  CURL* handle = curl_easy_init();
  if (handle == nullptr) throw FatalError("S3: curl_easy_init failed (out of memory?)");
  return handle;
}

void S3Client::release_handle(void* handle) {
  std::lock_guard lock(idle_mutex_);
  idle_handles_.push_back(handle);
}

std::string S3Client::perform(const Request& request, std::shared_ptr<const AwsCredentials>& signed_with) {
  signed_with = signing_credentials(settings_, request.uri);
  const AwsCredentials* credentials = signed_with.get();
  CURL* curl = static_cast<CURL*>(acquire_handle());
  std::unique_ptr<CURL, std::function<void(CURL*)>> lease(curl, [this](CURL* handle) { release_handle(handle); });
  curl_easy_reset(curl);  // options only: the connection cache stays

  // curl 7.88 signs but does not add the payload hash header; S3 requires it.
  const std::string payload_hash = request.method == "PUT" ? sha256_hex(request.body) : "UNSIGNED-PAYLOAD";
  HeaderList headers(curl_slist_append(nullptr, ("x-amz-content-sha256: " + payload_hash).c_str()),
                     &curl_slist_free_all);
  if (credentials != nullptr && !credentials->session_token.empty())
    headers.reset(
        curl_slist_append(headers.release(), ("x-amz-security-token: " + credentials->session_token).c_str()));
  for (const std::string& header : request.headers) headers.reset(curl_slist_append(headers.release(), header.c_str()));

  char error_text[CURL_ERROR_SIZE] = {0};
  ResponseBody body;
  body.max_bytes = request.max_bytes;
  const std::string sigv4 = fmt::format("aws:amz:{}:s3", settings_.region);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  if (request.etag_out != nullptr) {
    request.etag_out->clear();
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &read_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, request.etag_out);
  }
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "sluice/0.1");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled transfer times out (then is retried)
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 60L);
  if (credentials != nullptr) {  // otherwise anonymous, as for a public bucket
    curl_easy_setopt(curl, CURLOPT_AWS_SIGV4, sigv4.c_str());
    curl_easy_setopt(curl, CURLOPT_USERNAME, credentials->access_key_id.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, credentials->secret_access_key.c_str());
  }
  if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);  // signed as HEAD too
  if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "PUT");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  if (request.max_bytes > 0)
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(request.max_bytes));

  const CURLcode code = curl_easy_perform(curl);
  const auto redacted = [credentials](std::string text) {
    if (credentials == nullptr) return text;
    return redact_secrets(std::move(text), {credentials->secret_access_key, credentials->session_token});
  };
  if (body.too_large || code == CURLE_FILESIZE_EXCEEDED)
    throw S3RequestError(fmt::format("{}: larger than --max-file-bytes {}", request.uri, request.max_bytes), 0,
                         "TooLarge", false);
  if (code != CURLE_OK) {
    const std::string detail = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
    throw S3RequestError(redacted(fmt::format("{}: {}", request.uri, detail)), 0, curl_easy_strerror(code),
                         curl_code_is_transient(code));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) {
    if (request.length_out != nullptr) {
      curl_off_t length = -1;
      curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      if (length < 0) throw FatalError(fmt::format("{}: S3 answered a HEAD without Content-Length", request.uri));
      *request.length_out = static_cast<std::uint64_t>(length);
    }
    return std::move(body.bytes);
  }

  const int http_status = static_cast<int>(status);
  S3ErrorBody error = parse_s3_error_body(body.bytes);
  if (error.code.empty()) error.code = http_status == 412 ? "PreconditionFailed" : fmt::format("HTTP{}", http_status);
  std::string message = fmt::format("{}: {} {}", request.uri, http_status, error.code);
  if (!error.message.empty()) message += ": " + error.message;
  if (http_status == 412) message += " (the object changed since it was listed)";
  message += status_hint(http_status, credentials);
  throw S3RequestError(redacted(std::move(message)), http_status, error.code,
                       s3_status_is_transient(http_status, error.code));
}

std::string S3Client::perform_with_retries(const Request& request) {
  std::shared_ptr<const AwsCredentials> signed_with;
  const auto attempts = [&] {
    return with_retries(
        retry_, fmt::format("S3 {}", request.method), logger_, &is_transient_s3_error,
        [&] { return perform(request, signed_with); }, {}, on_retry_);
  };
  try {
    return attempts();
  } catch (const S3RequestError& error) {
    // Temporary credentials are refreshed before they expire; a token that S3 still calls expired (revoked
    // early, a clock off) gets one more try with new credentials before it stops the run.
    if (!is_expired_token_error(error) || !settings_.credentials ||
        !settings_.credentials->renew_after_rejection(signed_with))
      throw;
    logger_.warn(fmt::format("{}: S3 answered {}; trying again with new credentials", request.uri, error.code));
    return attempts();
  }
}

S3ListingPage S3Client::list_objects_v2(std::string_view bucket, std::string_view prefix,
                                        std::string_view continuation_token, int max_keys) {
  std::vector<std::pair<std::string, std::string>> query = {
      {"list-type", "2"}, {"max-keys", std::to_string(max_keys)}, {"prefix", std::string(prefix)}};
  if (!continuation_token.empty()) query.emplace_back("continuation-token", std::string(continuation_token));
  Request request;
  request.method = "GET";
  request.url = s3_request_url(settings_, bucket, "", canonical_query(std::move(query)));
  request.uri = s3_uri_string(bucket, prefix);
  const std::string xml = perform_with_retries(request);
  try {
    return parse_list_objects_v2(xml);
  } catch (const std::runtime_error& error) {
    throw FatalError(fmt::format("{}: ListObjectsV2 answer not understood: {}", request.uri, error.what()));
  }
}

std::string S3Client::get_object(std::string_view bucket, std::string_view key, std::string_view etag,
                                 std::uint64_t max_bytes, std::string* etag_out) {
  Request request;
  request.method = "GET";
  request.url = s3_request_url(settings_, bucket, key, "");
  request.uri = s3_uri_string(bucket, key);
  request.max_bytes = max_bytes;
  if (!etag.empty()) request.headers.push_back(fmt::format("If-Match: \"{}\"", etag));
  request.etag_out = etag_out;
  return perform_with_retries(request);
}

S3ObjectInfo S3Client::head_object(std::string_view bucket, std::string_view key) {
  S3ObjectInfo info;
  Request request;
  request.method = "HEAD";
  request.url = s3_request_url(settings_, bucket, key, "");
  request.uri = s3_uri_string(bucket, key);
  request.etag_out = &info.etag;
  request.length_out = &info.size;
  perform_with_retries(request);
  return info;
}

void S3Client::put_object(std::string_view bucket, std::string_view key, std::string_view body,
                          std::string_view content_type) {
  Request request;
  request.method = "PUT";
  request.url = s3_request_url(settings_, bucket, key, "");
  request.uri = s3_uri_string(bucket, key);
  request.body = body;
  request.headers.push_back(fmt::format("Content-Type: {}", content_type));  // else curl says form-urlencoded
  perform_with_retries(request);
}

}  // namespace sluice
