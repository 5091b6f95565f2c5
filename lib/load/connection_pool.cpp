#include "load/connection_pool.hpp"

namespace sluice {

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      if (session->connection().is_open()) return Lease(*this, std::move(session));
    }
  }
  return Lease(*this, nullptr);  // connected lazily by the caller, inside its retry loop
}

void ConnectionPool::give_back(std::unique_ptr<PgSession> session) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(session));
}

}  // namespace sluice
