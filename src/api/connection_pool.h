// HTTP connections shared by concurrent calls. A libcurl handle serves one call at a time, so
// each concurrent call borrows its own; idle ones are reused, which keeps their connections
// (and digest nonces) alive: one challenge per connection, however many calls it carries.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "api/http_client.h"

namespace keyform {

class ConnectionPool {
 public:
  using Factory = std::function<std::unique_ptr<HttpClient>()>;
  ConnectionPool(Factory factory, int max_connections);

  // A borrowed connection, returned to the pool when the lease ends.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<HttpClient> client) : pool_(pool), client_(std::move(client)) {}
    ~Lease() { pool_.give_back(std::move(client_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    HttpClient& operator*() { return *client_; }
    HttpClient* operator->() { return client_.get(); }

   private:
    ConnectionPool& pool_;
    std::unique_ptr<HttpClient> client_;
  };

  // An idle connection, or a new one while under the limit; otherwise waits for one.
  Lease acquire();
  int max_connections() const { return max_; }

 private:
  void give_back(std::unique_ptr<HttpClient> client);

  Factory factory_;
  int max_;
  int created_ = 0;
  std::vector<std::unique_ptr<HttpClient>> idle_;
  std::mutex mutex_;
  std::condition_variable returned_;
};

}  // namespace keyform
