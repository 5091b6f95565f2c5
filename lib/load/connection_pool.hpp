#pragma once
// The run's PostgreSQL sessions, shared by the load threads and the ledger lookups: at most --connections at once,
// so a role's or a server's connection limit sized for the flag is never exceeded. Broken sessions are dropped.
//
// Sessions open on demand, and a load first waits a while (--session-wait) for a busy session to come back:
// one more session costs the server a backend start, and two sessions COPYing into the same partition cost it far
// more (they contend for the partition's extension and free-space map). Where parsing is slower than loading (a
// client sharing the server's cores) loads come back before the wait ends and one session does all of them; where
// loads queue, the wait runs out and the pool grows to the bound.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "load/pg_session.hpp"

namespace sluice {

class ConnectionPool {
 public:
  /// At most `max_sessions` (at least one) sessions exist at once: leased, idle or connecting. A lease that can
  /// wait waits up to `patience` for a busy session before it opens another.
  ConnectionPool(std::string dsn, int max_sessions, std::chrono::milliseconds patience);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// Takes an open session (the run's setup session) as one of the pool's.
  void adopt(std::unique_ptr<PgSession> session);

  /// A session for the duration of one load or lookup; returned to the pool by the lease unless discarded. A
  /// lease holds its place in the bound while it lives, with or without a session.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<PgSession> session) : pool_(pool), session_(std::move(session)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { pool_.give_back(std::move(session_)); }
    PgSession& operator*() { return *session_; }
    PgSession* operator->() { return session_.get(); }
    /// Drops a session that may be broken; open() replaces it.
    void discard() { session_.reset(); }
    /// The lease's session, connecting a fresh one when it has none (never opened, or discarded). Throws as
    /// connecting does: call it inside the retry loop.
    PgSession& open() {
      if (!session_) session_ = pool_.connect();
      return *session_;
    }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<PgSession> session_;
  };

  /// Whether a lease may wait for a busy session rather than open another.
  enum class Need {
    can_wait,  ///< one unit's load or a ledger lookup: worth waiting `patience` for a busy session
    now,       ///< a file loaded a piece at a time (it holds its session while it is read: waiting would not
               ///< pay), or the mark of a moved file (a crash before it leaves the row pending: keep that short)
  };

  /// An idle session; or, with fewer than the bound open and none idle, an empty lease the caller connects (open()),
  /// when the need cannot wait or once `patience` has passed; or, with every session leased, waits for one to
  /// come back. Leases that can wait are served first come, first served.
  Lease acquire(Need need = Need::can_wait);

  /// Sessions open, leased or idle (leases without one included).
  int open_sessions();
  /// Leases waiting for a session.
  int waiting();

 private:
  std::unique_ptr<PgSession> connect() { return std::make_unique<PgSession>(dsn_); }
  /// Back from a lease: an open session waits for the next one; none frees the lease's place.
  void give_back(std::unique_ptr<PgSession> session);
  /// The acquire() holding `ticket` is served: it leaves the queue. Under the mutex.
  void served(std::uint64_t ticket);

  std::string dsn_;
  const int max_sessions_;
  const std::chrono::milliseconds patience_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int open_ = 0;  // sessions idle or leased (leases without one included)
  std::uint64_t next_ticket_ = 0;
  std::deque<std::uint64_t> queue_;  // tickets of the acquire() calls not yet served, oldest first
  std::vector<std::unique_ptr<PgSession>> idle_;
};

}  // namespace sluice
