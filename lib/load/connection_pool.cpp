#include "load/connection_pool.hpp"

namespace sluice {

ConnectionPool::~ConnectionPool() {
  for (std::thread& warmer : warmers_) warmer.join();
}

void ConnectionPool::warm_up(int count) {
  {
    std::lock_guard lock(mutex_);
    warming_ += count;
  }
  for (int i = 0; i < count; ++i)
    warmers_.emplace_back([this] {
      std::unique_ptr<PgSession> session;
      try {
        session = connect();
      } catch (const std::exception&) {  // the load that needs it connects itself and reports why it cannot
      }
      std::lock_guard lock(mutex_);
      if (session) idle_.push_back(std::move(session));
      --warming_;
      warmed_.notify_all();
    });
}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  warmed_.wait(lock, [this] { return !idle_.empty() || warming_ == 0; });
  if (!idle_.empty()) {
    auto session = std::move(idle_.back());
    idle_.pop_back();
    if (session->connection().is_open()) return Lease(*this, std::move(session));
  }
  return Lease(*this, nullptr);  // connected lazily by the caller, inside its retry loop
}

void ConnectionPool::give_back(std::unique_ptr<PgSession> session) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(session));
  warmed_.notify_all();
}

}  // namespace sluice
