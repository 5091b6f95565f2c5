#pragma once
// A small pool of PostgreSQL sessions shared by the load threads; broken sessions are dropped.
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "load/pg_session.hpp"

namespace sluice {

class ConnectionPool {
 public:
  ConnectionPool(std::string dsn, std::string setup_sql) : dsn_(std::move(dsn)), setup_sql_(std::move(setup_sql)) {}

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

  Lease acquire();

 private:
  std::unique_ptr<PgSession> connect() { return std::make_unique<PgSession>(dsn_, setup_sql_); }
  void give_back(std::unique_ptr<PgSession> session);

  std::string dsn_, setup_sql_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<PgSession>> idle_;
};

}  // namespace sluice
