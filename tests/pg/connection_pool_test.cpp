// The session pool against a real PostgreSQL (label "pg"; the server libpq's PG* variables name): a brief lease
// waits for a busy session rather than open another, up to the pool's patience; a long-held one does not wait;
// waiters are served first come, first served; the bound holds. Every wait here is on a condition (a lease
// waiting, a lease served); a patience is either far longer than any step takes, so the test cannot see it run
// out on a slow machine, or zero.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "load/connection_pool.hpp"
#include "load/pg_session.hpp"

namespace {

using sluice::ConnectionPool;
using Need = ConnectionPool::Need;
using namespace std::chrono_literals;

constexpr auto kForever = std::chrono::hours(1);

std::unique_ptr<sluice::PgSession> session() { return std::make_unique<sluice::PgSession>(""); }

// A lease that can be handed back before the end of its scope (a Lease does not move).
std::unique_ptr<ConnectionPool::Lease> lease_from(ConnectionPool& pool) {
  return std::unique_ptr<ConnectionPool::Lease>(new ConnectionPool::Lease(pool.acquire()));
}

// Waits (polling: the pool has no hook for it) until `n` leases wait in `pool`.
void wait_for_waiters(ConnectionPool& pool, int n) {
  while (pool.waiting() != n) std::this_thread::sleep_for(1ms);
}

// The backend a lease's session talks to.
int backend_of(ConnectionPool::Lease& lease) { return lease.open().connection().backendpid(); }

}  // namespace

TEST_CASE("a brief lease waits for the busy session and gets it back instead of opening another") {
  ConnectionPool pool("", 2, kForever);
  pool.adopt(session());
  auto held = lease_from(pool);
  const int first = backend_of(*held);
  auto second = std::async(std::launch::async, [&] {
    ConnectionPool::Lease lease = pool.acquire();
    return backend_of(lease);
  });
  wait_for_waiters(pool, 1);
  CHECK(pool.open_sessions() == 1);
  held.reset();  // the session goes back: the waiter takes it
  CHECK(second.get() == first);
  CHECK(pool.open_sessions() == 1);
}

TEST_CASE("a brief lease whose patience runs out opens another session, up to the bound") {
  ConnectionPool pool("", 2, 0ms);
  pool.adopt(session());
  ConnectionPool::Lease first = pool.acquire();
  auto second = lease_from(pool);  // nothing idle, patience spent: a place of its own
  CHECK(pool.open_sessions() == 2);
  CHECK(backend_of(first) != backend_of(*second));
  // At the bound a lease waits however patient it is, until a session comes back.
  std::atomic<bool> served{false};
  auto third = std::async(std::launch::async, [&] {
    ConnectionPool::Lease lease = pool.acquire();
    served = true;
    return backend_of(lease);
  });
  wait_for_waiters(pool, 1);
  CHECK_FALSE(served.load());
  const int back = backend_of(*second);
  second.reset();
  CHECK(third.get() == back);
  CHECK(pool.open_sessions() == 2);
}

TEST_CASE("a need that cannot wait opens another session at once, even with others waiting") {
  ConnectionPool pool("", 3, kForever);
  pool.adopt(session());
  ConnectionPool::Lease busy = pool.acquire();
  auto patient = std::async(std::launch::async, [&] {
    ConnectionPool::Lease lease = pool.acquire();  // waits for `busy` (an hour at most)
    return backend_of(lease);
  });
  wait_for_waiters(pool, 1);
  {
    ConnectionPool::Lease now = pool.acquire(Need::now);  // ahead of the patient one, without waiting
    CHECK(pool.open_sessions() == 2);
    CHECK(backend_of(now) != backend_of(busy));
    CHECK(pool.waiting() == 1);
  }  // back: the patient one takes it
  CHECK(patient.get() != backend_of(busy));
  CHECK(pool.open_sessions() == 2);
}

TEST_CASE("waiters are served in the order they came, so one that asks again at once cannot take a session") {
  ConnectionPool pool("", 1, kForever);
  pool.adopt(session());
  auto held = lease_from(pool);
  std::atomic<int> order{0};
  std::atomic<int> early_turn{-1};
  auto early = std::async(std::launch::async, [&] {
    ConnectionPool::Lease lease = pool.acquire();
    early_turn = order++;
  });
  wait_for_waiters(pool, 1);
  held.reset();
  // The thread that handed its session back asks again at once: it comes after the waiter.
  ConnectionPool::Lease again = pool.acquire();
  const int own_turn = order++;
  early.get();
  CHECK(early_turn.load() == 0);
  CHECK(own_turn == 1);
}
