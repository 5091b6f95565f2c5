#pragma once
// Who sluice is to AWS: a key pair, maybe a session token and an expiry, and the interface of the places
// they come from (the environment, ~/.aws files, STS web identity, the container and instance endpoints).
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sluice {

using SystemTime = std::chrono::system_clock::time_point;

/// Credentials to sign S3 requests with.
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;         ///< a secret, never printed
  std::string session_token;             ///< a secret too, sent as x-amz-security-token; empty for long-term keys
  std::optional<SystemTime> expiration;  ///< none: long-term keys that never need a refresh
  std::string source;                    ///< where they came from, for log lines; never holds a secret
};

/// A source that is set up but cannot give credentials: an unreadable token file, an STS refusal, an
/// endpoint that does not answer. `transient` when trying again later may work (no answer, 5xx, throttling).
/// The message never holds a secret.
struct CredentialError : std::runtime_error {
  CredentialError(const std::string& message, bool transient_) : std::runtime_error(message), transient(transient_) {}
  bool transient;
};

/// One place credentials may come from, asked in turn by the chain (credential_chain.hpp).
class CredentialProvider {
 public:
  virtual ~CredentialProvider() = default;
  /// Credentials from this source, fetched anew on every call (the cache decides when to call);
  /// nullopt when the source is not set up here, so the chain asks the next one. Throws CredentialError
  /// when it is set up but fails.
  virtual std::optional<AwsCredentials> load() = 0;
};

/// The value of an environment variable, nullopt when unset: the process environment in a run, a map in tests.
using EnvironmentLookup = std::function<std::optional<std::string>(const char*)>;

/// std::getenv as an EnvironmentLookup.
EnvironmentLookup process_environment();

/// The value of `name`, empty when unset.
std::string environment_value(const EnvironmentLookup& lookup, const char* name);

/// An ISO 8601 UTC time as AWS writes expirations ("2026-12-02T13:24:25Z", with optional fractional
/// seconds, or an offset such as "+00:00"); nullopt when `text` is not one.
std::optional<SystemTime> parse_aws_time(std::string_view text);

/// `time` as "2026-12-02T13:24:25Z", for log lines.
std::string format_aws_time(SystemTime time);

/// `text` without leading and trailing spaces, tabs and line breaks (token files end with a newline).
std::string_view strip_blanks(std::string_view text);

}  // namespace sluice
