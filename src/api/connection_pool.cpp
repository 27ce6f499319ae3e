#include "api/connection_pool.h"

#include <algorithm>

namespace keyform {

ConnectionPool::ConnectionPool(Factory factory, int max_connections)
    : factory_(std::move(factory)), max_(std::max(1, max_connections)) {}

ConnectionPool::Lease ConnectionPool::acquire() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [&] { return !idle_.empty() || created_ < max_; });
  if (!idle_.empty()) {
    // The most recently used connection is the likeliest to still be open.
    std::unique_ptr<HttpClient> client = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(client));
  }
  ++created_;
  lock.unlock();
  try {
    return Lease(*this, factory_());
  } catch (...) {
    std::lock_guard relock(mutex_);
    --created_;
    returned_.notify_one();
    throw;
  }
}

void ConnectionPool::give_back(std::unique_ptr<HttpClient> client) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(client));
  }
  returned_.notify_one();
}

}  // namespace keyform
