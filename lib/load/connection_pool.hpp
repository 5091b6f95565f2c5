#pragma once
// A small pool of PostgreSQL sessions shared by the load threads; broken sessions are dropped.
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
  explicit ConnectionPool(std::string dsn) : dsn_(std::move(dsn)) {}
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// Opens `count` sessions in the background, so the first loads find them ready instead of each waiting for
  /// a connection after its file is parsed. One that fails is simply not there: its load connects lazily,
  /// inside its retries, and reports the error there.
  void warm_up(int count);

  /// A session for the duration of one load; returned to the pool by the lease unless discarded.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<PgSession> session) : pool_(pool), session_(std::move(session)) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (session_) pool_.give_back(std::move(session_));
    }
    PgSession& operator*() { return *session_; }
    PgSession* operator->() { return session_.get(); }
    /// Drops a session that may be broken; the next acquire() connects anew.
    void discard() { session_.reset(); }
    /// Replaces a dropped session with a fresh connection.
    void reconnect() { session_ = pool_.connect(); }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<PgSession> session_;
  };

  /// An idle session, or (none idle, none warming up) an empty lease the caller connects.
  Lease acquire();

 private:
  std::unique_ptr<PgSession> connect() { return std::make_unique<PgSession>(dsn_); }
  void give_back(std::unique_ptr<PgSession> session);

  std::string dsn_;
  std::mutex mutex_;
  std::condition_variable warmed_;
  int warming_ = 0;
  std::vector<std::unique_ptr<PgSession>> idle_;
  std::vector<std::thread> warmers_;
};

}  // namespace sluice
