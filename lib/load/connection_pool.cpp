#include "load/connection_pool.hpp"

#include <algorithm>

namespace sluice {

ConnectionPool::ConnectionPool(std::string dsn, int max_sessions)
    : dsn_(std::move(dsn)), max_sessions_(std::max(1, max_sessions)) {}

ConnectionPool::~ConnectionPool() {
  for (std::thread& warmer : warmers_) warmer.join();
}

void ConnectionPool::adopt(std::unique_ptr<PgSession> session) {
  std::lock_guard lock(mutex_);
  ++open_;
  idle_.push_back(std::move(session));
  changed_.notify_all();
}

void ConnectionPool::warm_up(int count) {
  {
    std::lock_guard lock(mutex_);
    count = std::min(count, max_sessions_ - open_);
    if (count <= 0) return;
    open_ += count;
  }
  for (int i = 0; i < count; ++i)
    warmers_.emplace_back([this] {
      std::unique_ptr<PgSession> session;
      try {
        session = connect();
      } catch (const std::exception&) {  // the load that needs it connects itself and reports why it cannot
      }
      give_back(std::move(session));
    });
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [this] { return !idle_.empty() || open_ < max_sessions_; });
    if (idle_.empty()) {
      ++open_;  // this lease's place: the caller connects inside its retry loop
      return Lease(*this, nullptr);
    }
    auto session = std::move(idle_.back());
    idle_.pop_back();
    if (session->connection().is_open()) return Lease(*this, std::move(session));
    --open_;  // closed while idle (the server restarted): its place is free again
  }
}

void ConnectionPool::give_back(std::unique_ptr<PgSession> session) {
  std::lock_guard lock(mutex_);
  if (session)
    idle_.push_back(std::move(session));
  else
    --open_;
  changed_.notify_all();
}

}  // namespace sluice
