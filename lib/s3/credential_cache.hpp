#pragma once
// The credentials S3 requests are signed with, shared by every fetch worker: the chain is asked once, at the
// first request, and temporary credentials are fetched again from the source that gave them before they
// expire, so a long run never sends an expired session token.
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "core/logger.hpp"
#include "s3/aws_credentials.hpp"

namespace sluice {

/// When to fetch temporary credentials again, decided when they arrive.
struct RefreshSchedule {
  SystemTime refresh_at;    ///< from then on, a request first tries to fetch new ones (and keeps these if it fails)
  SystemTime usable_until;  ///< after that, these are not sent any more: a request waits for new ones
};

/// Credentials obtained at `obtained` that expire at `expiration`: refreshed 5 minutes before they expire, or
/// a quarter of their lifetime before when that is shorter (short test lifetimes); used until 1 minute (or a
/// tenth of the lifetime) before, a margin for clock skew and requests in flight.
RefreshSchedule refresh_schedule(SystemTime obtained, SystemTime expiration);

/// After a refresh that failed or brought the same credentials (instance metadata hands out new ones only
/// shortly before expiry): the next try, a quarter of the time left, at least 1 s and at most 1 minute away,
/// and never after `usable_until`.
SystemTime next_refresh_try(SystemTime now, SystemTime usable_until);

class CredentialCache {
 public:
  using Clock = std::function<SystemTime()>;

  /// `chain`: the sources in the order they are asked. `logger` gets a line for the source found and for each
  /// refresh (never a secret).
  CredentialCache(std::vector<std::unique_ptr<CredentialProvider>> chain, Logger& logger,
                  Clock clock = &std::chrono::system_clock::now);

  /// The credentials to sign with now; nullptr when no source has any (requests go anonymous). Asks the chain
  /// at the first call; refreshes temporary credentials when due, one thread at a time (the others keep
  /// signing with the current ones while they are usable). Throws CredentialError when a source fails and no
  /// usable credentials are left.
  std::shared_ptr<const AwsCredentials> current();

  /// S3 answered ExpiredToken to a request signed with `rejected`: fetches new credentials now, unless
  /// another thread already has. True when there are different credentials to try the request again with;
  /// false for long-term keys (nothing to refresh) or when the source hands out the same ones again.
  bool renew_after_rejection(const std::shared_ptr<const AwsCredentials>& rejected);

 private:
  [[nodiscard]] bool fresh_enough(SystemTime now) const;  // state_mutex_ held
  void resolve();                                         // refresh_mutex_ held
  void refresh(SystemTime now);                           // refresh_mutex_ held
  void install(AwsCredentials credentials, SystemTime now, bool first);

  std::vector<std::unique_ptr<CredentialProvider>> chain_;
  Logger& logger_;
  Clock clock_;
  std::mutex refresh_mutex_;  // one fetch from a source at a time
  mutable std::mutex state_mutex_;
  bool resolved_ = false;
  std::size_t source_ = 0;  // the chain entry that gave current_
  std::shared_ptr<const AwsCredentials> current_;
  RefreshSchedule schedule_;
};

}  // namespace sluice
