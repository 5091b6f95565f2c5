#include "s3/credential_cache.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sluice {
namespace {

using std::chrono::milliseconds;

bool same_credentials(const AwsCredentials& a, const AwsCredentials& b) {
  return a.access_key_id == b.access_key_id && a.session_token == b.session_token && a.expiration == b.expiration;
}

std::string lifetime_note(const AwsCredentials& credentials) {
  if (!credentials.expiration) return "";
  return fmt::format(", valid until {}", format_aws_time(*credentials.expiration));
}

}  // namespace

RefreshSchedule refresh_schedule(SystemTime obtained, SystemTime expiration) {
  const auto lifetime = std::chrono::duration_cast<milliseconds>(expiration - obtained);
  const milliseconds refresh_margin = std::min<milliseconds>(std::chrono::minutes(5), lifetime / 4);
  const milliseconds usable_margin = std::min<milliseconds>(std::chrono::minutes(1), lifetime / 10);
  return {expiration - refresh_margin, expiration - usable_margin};
}

SystemTime next_refresh_try(SystemTime now, SystemTime usable_until) {
  const milliseconds wait = std::clamp(std::chrono::duration_cast<milliseconds>(usable_until - now) / 4,
                                       milliseconds(1000), milliseconds(60000));
  return std::min(now + wait, usable_until);
}

CredentialCache::CredentialCache(std::vector<std::unique_ptr<CredentialProvider>> chain, Logger& logger, Clock clock)
    : chain_(std::move(chain)), logger_(logger), clock_(std::move(clock)) {}

bool CredentialCache::fresh_enough(SystemTime now) const {
  return resolved_ && (!current_ || !current_->expiration || now < schedule_.refresh_at);
}

std::shared_ptr<const AwsCredentials> CredentialCache::current() {
  std::shared_ptr<const AwsCredentials> still_usable;
  {
    std::lock_guard state(state_mutex_);
    const SystemTime now = clock_();
    if (fresh_enough(now)) return current_;
    if (resolved_ && now < schedule_.usable_until) still_usable = current_;
  }
  std::unique_lock refresh_lock(refresh_mutex_, std::defer_lock);
  if (!still_usable) {
    refresh_lock.lock();
  } else if (!refresh_lock.try_lock()) {
    return still_usable;  // another thread is fetching new ones; these are good meanwhile
  }
  const SystemTime now = clock_();
  {
    std::lock_guard state(state_mutex_);
    if (fresh_enough(now)) return current_;  // fetched while this thread waited for the lock
  }
  if (resolved_) {
    refresh(now);
  } else {
    resolve();
  }
  std::lock_guard state(state_mutex_);
  return current_;
}

void CredentialCache::resolve() {
  for (std::size_t index = 0; index < chain_.size(); ++index) {
    // A source that is set up but fails stops the chain, as in the AWS SDKs: falling through to another
    // identity would load with permissions nobody meant.
    std::optional<AwsCredentials> found = chain_[index]->load();
    if (!found) continue;
    source_ = index;
    install(std::move(*found), clock_(), true);
    return;
  }
  std::lock_guard state(state_mutex_);
  resolved_ = true;
  current_.reset();
}

void CredentialCache::refresh(SystemTime now) {
  std::optional<AwsCredentials> fresh;
  try {
    fresh = chain_[source_]->load();
    if (!fresh) throw CredentialError(fmt::format("{} has no credentials any more", current_->source), false);
    if (same_credentials(*fresh, *current_)) {
      std::lock_guard state(state_mutex_);
      if (now >= schedule_.usable_until)
        throw CredentialError(fmt::format("{} still hands out the credentials that expire at {}", current_->source,
                                          format_aws_time(*current_->expiration)),
                              true);
      schedule_.refresh_at = next_refresh_try(now, schedule_.usable_until);
      return;
    }
    install(std::move(*fresh), now, false);
  } catch (const CredentialError& error) {
    std::lock_guard state(state_mutex_);
    if (now >= schedule_.usable_until) throw;
    schedule_.refresh_at = next_refresh_try(now, schedule_.usable_until);
    logger_.warn(fmt::format("S3: refreshing the credentials failed: {}; the current ones stay in use until {}",
                             error.what(), format_aws_time(schedule_.usable_until)));
  }
}

void CredentialCache::install(AwsCredentials credentials, SystemTime now, bool first) {
  if (credentials.expiration && *credentials.expiration <= now)
    throw CredentialError(fmt::format("{} handed out credentials that expired at {} (is this machine's clock right?)",
                                      credentials.source, format_aws_time(*credentials.expiration)),
                          false);
  logger_.info(fmt::format("S3: credentials from {}{}{}", credentials.source, first ? "" : " refreshed",
                           lifetime_note(credentials)));
  std::lock_guard state(state_mutex_);
  if (credentials.expiration) schedule_ = refresh_schedule(now, *credentials.expiration);
  current_ = std::make_shared<const AwsCredentials>(std::move(credentials));
  resolved_ = true;
}

bool CredentialCache::renew_after_rejection(const std::shared_ptr<const AwsCredentials>& rejected) {
  if (!rejected || !rejected->expiration) return false;  // long-term keys: nothing to fetch again
  std::lock_guard refresh_lock(refresh_mutex_);
  {
    std::lock_guard state(state_mutex_);
    if (current_ != rejected) return current_ != nullptr;  // another request already brought new ones
  }
  try {
    std::optional<AwsCredentials> fresh = chain_[source_]->load();
    if (!fresh || same_credentials(*fresh, *rejected)) return false;
    install(std::move(*fresh), clock_(), false);
    return true;
  } catch (const CredentialError& error) {
    logger_.warn(fmt::format("S3: fetching new credentials after an ExpiredToken answer failed: {}", error.what()));
    return false;
  }
}

}  // namespace sluice
