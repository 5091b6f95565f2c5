#include "load/connection_pool.hpp"

#include <algorithm>

namespace sluice {

ConnectionPool::ConnectionPool(std::string dsn, int max_sessions, std::chrono::milliseconds patience)
    : dsn_(std::move(dsn)), max_sessions_(std::max(1, max_sessions)), patience_(std::max(patience, {})) {}

void ConnectionPool::adopt(std::unique_ptr<PgSession> session) {
  std::lock_guard lock(mutex_);
  ++open_;
  idle_.push_back(std::move(session));
  changed_.notify_all();
}

ConnectionPool::Lease ConnectionPool::acquire(Need need) {
  const bool patient = need == Need::can_wait;
  const auto give_up_waiting = std::chrono::steady_clock::now() + (patient ? patience_ : std::chrono::milliseconds{0});
  std::unique_lock lock(mutex_);
  // First come, first served among those that wait: a load thread that hands its session back and asks again at
  // once must not take it from one that has been waiting (it would win every time, and the waiter's patience
  // would run out, opening a session the loads did not need). A need that cannot wait goes ahead.
  const std::uint64_t ticket = next_ticket_++;
  queue_.push_back(ticket);
  for (;;) {
    const bool turn = !patient || queue_.front() == ticket;
    if (turn && !idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      if (!session->connection().is_open()) {
        --open_;  // closed while idle (the server restarted): its place is free again
        continue;
      }
      served(ticket);
      return Lease(*this, std::move(session));
    }
    // No session at all (the first, or every one discarded) is nothing to wait for.
    if (turn && open_ < max_sessions_ && (open_ == 0 || std::chrono::steady_clock::now() >= give_up_waiting)) {
      ++open_;  // this lease's place: the caller connects inside its retry loop
      served(ticket);
      return Lease(*this, nullptr);
    }
    if (turn && open_ < max_sessions_)
      changed_.wait_until(lock, give_up_waiting);
    else
      changed_.wait(lock);
  }
}

void ConnectionPool::served(std::uint64_t ticket) {
  queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
  changed_.notify_all();  // the next in line may take what is left
}

int ConnectionPool::open_sessions() {
  std::lock_guard lock(mutex_);
  return open_;
}

int ConnectionPool::waiting() {
  std::lock_guard lock(mutex_);
  return static_cast<int>(queue_.size());
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
