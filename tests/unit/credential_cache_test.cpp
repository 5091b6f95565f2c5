// When S3 credentials are fetched again (lib/s3/credential_cache.hpp): the refresh schedule, a fake source
// and a fake clock, and many threads signing at once while one refreshes.
#include <doctest/doctest.h>

#include <atomic>
#include <condition_variable>
#include <thread>

#include "core/logger.hpp"
#include "s3/credential_cache.hpp"

using namespace sluice;
using namespace std::chrono_literals;

namespace {

const SystemTime kStart = SystemTime(std::chrono::sys_days(std::chrono::year(2026) / 12 / 2));

// A source that hands out numbered temporary credentials with a fixed lifetime, or fails when told to.
struct FakeSource : CredentialProvider {
  SystemTime* now;
  std::chrono::seconds lifetime;
  std::atomic<int> loads{0};
  bool fail = false;
  bool set_up = true;
  bool same_again = false;  // hands out the last credentials again (instance metadata before it rotates)
  std::optional<AwsCredentials> last;

  FakeSource(SystemTime* clock, std::chrono::seconds lifetime_) : now(clock), lifetime(lifetime_) {}

  std::optional<AwsCredentials> load() override {
    const int number = ++loads;
    if (!set_up) return std::nullopt;
    if (fail) throw CredentialError("fake source down", true);
    if (same_again && last) return last;
    AwsCredentials credentials;
    credentials.access_key_id = "ASIA" + std::to_string(number);
    credentials.secret_access_key = "secret";
    credentials.session_token = "token-" + std::to_string(number);
    credentials.expiration = *now + lifetime;
    credentials.source = "the fake source";
    last = credentials;
    return credentials;
  }
};

struct Fixture {
  SystemTime now = kStart;
  Logger logger{LogFormat::text, true};
  FakeSource* source = nullptr;

  CredentialCache cache_with(std::chrono::seconds lifetime) {
    auto fake = std::make_unique<FakeSource>(&now, lifetime);
    source = fake.get();
    std::vector<std::unique_ptr<CredentialProvider>> chain;
    chain.push_back(std::move(fake));
    return CredentialCache(std::move(chain), logger, [this] { return now; });
  }
};

}  // namespace

TEST_CASE("the refresh schedule: 5 minutes before expiry, or a quarter of a short lifetime") {
  const auto hour = refresh_schedule(kStart, kStart + 1h);
  CHECK(hour.refresh_at == kStart + 55min);
  CHECK(hour.usable_until == kStart + 59min);
  const auto six_hours = refresh_schedule(kStart, kStart + 6h);
  CHECK(six_hours.refresh_at == kStart + 6h - 5min);
  CHECK(six_hours.usable_until == kStart + 6h - 1min);
  const auto test_lifetime = refresh_schedule(kStart, kStart + 20s);
  CHECK(test_lifetime.refresh_at == kStart + 15s);
  CHECK(test_lifetime.usable_until == kStart + 18s);

  CHECK(next_refresh_try(kStart, kStart + 40s) == kStart + 10s);
  CHECK(next_refresh_try(kStart, kStart + 2s) == kStart + 1s);        // at least a second apart
  CHECK(next_refresh_try(kStart, kStart + 1h) == kStart + 1min);      // at most a minute apart
  CHECK(next_refresh_try(kStart, kStart + 500ms) == kStart + 500ms);  // never after usable_until
}

TEST_CASE("temporary credentials are fetched again when the refresh is due, not before") {
  Fixture fixture;
  CredentialCache cache = fixture.cache_with(20s);
  const auto first = cache.current();
  REQUIRE(first);
  CHECK(first->session_token == "token-1");
  fixture.now = kStart + 14s;
  CHECK(cache.current() == first);
  CHECK(fixture.source->loads == 1);
  fixture.now = kStart + 15s;
  const auto second = cache.current();
  CHECK(second->session_token == "token-2");
  CHECK(fixture.source->loads == 2);
  fixture.now = kStart + 29s;  // second ones: obtained at 15 s, refreshed at 30 s
  CHECK(cache.current() == second);
  fixture.now = kStart + 30s;
  CHECK(cache.current()->session_token == "token-3");
}

TEST_CASE("long-term keys are never fetched again") {
  Fixture fixture;
  struct Static : CredentialProvider {
    int loads = 0;
    std::optional<AwsCredentials> load() override {
      ++loads;
      return AwsCredentials{"AKID", "secret", "", std::nullopt, "static"};
    }
  };
  auto source = std::make_unique<Static>();
  Static* counter = source.get();
  std::vector<std::unique_ptr<CredentialProvider>> chain;
  chain.push_back(std::move(source));
  CredentialCache cache(std::move(chain), fixture.logger, [&fixture] { return fixture.now; });
  const auto keys = cache.current();
  fixture.now = kStart + 24h * 365;
  CHECK(cache.current() == keys);
  CHECK_FALSE(cache.renew_after_rejection(keys));
  CHECK(counter->loads == 1);
}

TEST_CASE("a failed refresh keeps the current credentials while usable, then is an error") {
  Fixture fixture;
  CredentialCache cache = fixture.cache_with(40s);
  const auto first = cache.current();
  fixture.source->fail = true;
  fixture.now = kStart + 30s;  // due (at 30 s), usable until 36 s
  CHECK(cache.current() == first);
  CHECK(fixture.source->loads == 2);
  fixture.now = kStart + 30s + 500ms;  // the next try is a second later
  CHECK(cache.current() == first);
  CHECK(fixture.source->loads == 2);
  fixture.now = kStart + 31s + 500ms;
  CHECK(cache.current() == first);
  CHECK(fixture.source->loads == 3);
  fixture.now = kStart + 36s;  // no longer usable: the failure is the caller's
  bool transient = false;
  try {
    cache.current();
  } catch (const CredentialError& error) {
    transient = error.transient;
  }
  CHECK(transient);
  fixture.source->fail = false;  // the source is back
  CHECK(cache.current()->session_token == "token-5");
}

TEST_CASE("a source that hands out the same credentials again is asked again later") {
  Fixture fixture;
  CredentialCache cache = fixture.cache_with(40s);
  const auto first = cache.current();
  fixture.source->same_again = true;
  fixture.now = kStart + 30s;
  CHECK(cache.current() == first);
  fixture.now = kStart + 30s + 100ms;
  CHECK(cache.current() == first);
  CHECK(fixture.source->loads == 2);  // not asked at every request
  fixture.source->same_again = false;
  fixture.now = kStart + 31s + 500ms;
  CHECK(cache.current()->session_token == "token-3");
}

TEST_CASE("the chain: the first source set up wins; an error stops it; none at all is anonymous") {
  Fixture fixture;
  auto unset = std::make_unique<FakeSource>(&fixture.now, 60s);
  unset->set_up = false;
  auto second = std::make_unique<FakeSource>(&fixture.now, 60s);
  auto third = std::make_unique<FakeSource>(&fixture.now, 60s);
  FakeSource* second_source = second.get();
  FakeSource* third_source = third.get();
  std::vector<std::unique_ptr<CredentialProvider>> chain;
  chain.push_back(std::move(unset));
  chain.push_back(std::move(second));
  chain.push_back(std::move(third));
  CredentialCache cache(std::move(chain), fixture.logger, [&fixture] { return fixture.now; });
  REQUIRE(cache.current());
  fixture.now = kStart + 50s;
  cache.current();  // the refresh asks the source that gave them, not the chain from the top
  CHECK(second_source->loads == 2);
  CHECK(third_source->loads == 0);

  auto failing = std::make_unique<FakeSource>(&fixture.now, 60s);
  failing->fail = true;
  std::vector<std::unique_ptr<CredentialProvider>> failing_chain;
  failing_chain.push_back(std::move(failing));
  failing_chain.push_back(std::make_unique<FakeSource>(&fixture.now, 60s));
  CredentialCache stopped(std::move(failing_chain), fixture.logger, [&fixture] { return fixture.now; });
  CHECK_THROWS_AS(stopped.current(), CredentialError);

  CredentialCache empty({}, fixture.logger, [&fixture] { return fixture.now; });
  CHECK(empty.current() == nullptr);
}

TEST_CASE("credentials that arrive expired are refused (a wrong clock)") {
  Fixture fixture;
  struct Stale : CredentialProvider {
    SystemTime* now;
    explicit Stale(SystemTime* clock) : now(clock) {}
    std::optional<AwsCredentials> load() override {
      return AwsCredentials{"ASIA", "s", "t", *now - 1s, "a stale source"};
    }
  };
  std::vector<std::unique_ptr<CredentialProvider>> chain;
  chain.push_back(std::make_unique<Stale>(&fixture.now));
  CredentialCache cache(std::move(chain), fixture.logger, [&fixture] { return fixture.now; });
  CHECK_THROWS_AS(cache.current(), CredentialError);
}

TEST_CASE("an ExpiredToken answer brings new credentials once, however many requests report it") {
  Fixture fixture;
  CredentialCache cache = fixture.cache_with(3600s);
  const auto rejected = cache.current();
  CHECK(cache.renew_after_rejection(rejected));
  const auto renewed = cache.current();
  CHECK(renewed->session_token == "token-2");
  CHECK(cache.renew_after_rejection(rejected));  // another worker with the old ones: no new fetch
  CHECK(fixture.source->loads == 2);
  fixture.source->same_again = true;
  CHECK_FALSE(cache.renew_after_rejection(renewed));  // the source has nothing newer: the error stands
  fixture.source->same_again = false;
  fixture.source->fail = true;
  CHECK_FALSE(cache.renew_after_rejection(renewed));
  CHECK(cache.current() == renewed);
}

TEST_CASE("many threads signing while a refresh is due: one fetch, and nobody waits while the old ones work") {
  Fixture fixture;
  // A source whose second fetch blocks until released, to hold a refresh in flight.
  struct Gated : CredentialProvider {
    std::mutex mutex;
    std::condition_variable changed;
    bool open = false;
    bool fetching = false;
    std::atomic<int> loads{0};
    std::optional<AwsCredentials> load() override {
      const int number = ++loads;
      if (number > 1) {
        std::unique_lock lock(mutex);
        fetching = true;
        changed.notify_all();
        changed.wait(lock, [this] { return open; });
      }
      return AwsCredentials{"ASIA", "s", "token-" + std::to_string(number), kStart + number * 20s, "gated"};
    }
  };
  auto gated_source = std::make_unique<Gated>();
  Gated* gate = gated_source.get();
  std::vector<std::unique_ptr<CredentialProvider>> chain;
  chain.push_back(std::move(gated_source));
  std::mutex clock_mutex;
  SystemTime now = kStart;
  CredentialCache cache(std::move(chain), fixture.logger, [&] {
    std::lock_guard lock(clock_mutex);
    return now;
  });
  const auto first = cache.current();
  {
    std::lock_guard lock(clock_mutex);
    now = kStart + 16s;  // refresh due (15 s), still usable (18 s)
  }
  std::thread refresher([&] { cache.current(); });
  {
    std::unique_lock lock(gate->mutex);
    gate->changed.wait(lock, [gate] { return gate->fetching; });
  }
  // While the refresh is held, every other signer gets the current credentials at once.
  std::vector<std::thread> signers;
  std::atomic<int> got_first{0};
  for (int i = 0; i < 8; ++i)
    signers.emplace_back([&] {
      if (cache.current() == first) ++got_first;
    });
  for (auto& signer : signers) signer.join();
  CHECK(got_first == 8);
  {
    std::lock_guard lock(gate->mutex);
    gate->open = true;
  }
  gate->changed.notify_all();
  refresher.join();
  CHECK(cache.current()->session_token == "token-2");
  CHECK(gate->loads == 2);
}
