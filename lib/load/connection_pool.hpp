#pragma once
// The run's PostgreSQL sessions, shared by the load threads and the ledger lookups: at most --connections at once,
// so a role's or a server's connection limit sized for the flag is never exceeded. Broken sessions are dropped.
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "load/pg_session.hpp"

namespace sluice {

class ConnectionPool {
 public:
  /// At most `max_sessions` (at least one) sessions exist at once: leased, idle or connecting.
  ConnectionPool(std::string dsn, int max_sessions);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// Takes an open session (the run's setup session) as one of the pool's.
  void adopt(std::unique_ptr<PgSession> session);

  /// Opens up to `count` more sessions in the background (never past the bound), so the first loads find them
  /// ready instead of each waiting for a connection after its file is parsed. One that fails is simply not
  /// there: its load connects lazily, inside its retries, and reports the error there.
  void warm_up(int count);

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

  /// An idle session; or, with fewer than the bound open, an empty lease the caller connects (open());
  /// or, with every session leased, waits for one to come back.
  Lease acquire();

 private:
  std::unique_ptr<PgSession> connect() { return std::make_unique<PgSession>(dsn_); }
  /// Back from a lease: an open session waits for the next one; none frees the lease's place.
  void give_back(std::unique_ptr<PgSession> session);

  std::string dsn_;
  const int max_sessions_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int open_ = 0;  // sessions idle, leased (leases without one included) or connecting in the background
  std::vector<std::unique_ptr<PgSession>> idle_;
  std::vector<std::thread> warmers_;
};

}  // namespace sluice
