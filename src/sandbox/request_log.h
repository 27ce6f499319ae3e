// Every API request the sandbox answered, for tests to inspect (GET /__sandbox/requests).
// Never holds credentials: no Authorization header, no secrets, only the claimed user name.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>

namespace keyform::sandbox {

struct LoggedRequest {
  std::uint64_t seq = 0;
  std::string method;
  std::string path;           // as sent, without the query
  std::string query;          // raw query string, "" when none
  int status = 0;             // the real status, also under ?envelope=true; 0 while still in flight
                              // and for a connection dropped by a fault
  std::string auth = "none";  // scheme the client presented: none, digest, bearer, basic
  bool challenged = false;    // a 401 carrying a Digest challenge
  std::string connection;     // "addr:port" of the client: identifies the TCP connection
  std::string user;           // public key or client id; "" when unknown
  std::string accept;
  std::string content_type;
  bool fault = false;  // answered (or dropped) by an injected fault instead of the API, or a
                       // listing page shaped by a listing fault
  // The id of the key this request created (POST /orgs/{O}/apiKeys that took effect), or the
  // client id of the service account it created (POST /orgs/{O}/serviceAccounts), also when a
  // '+' fault lost or replaced the answer; "" otherwise. Never a private key or secret.
  std::string created_key_id;
  // The endpointSetId whose empty bucket answered this request 429 (--rate-limits); "" otherwise.
  std::string rate_limited_by;
};

// How a request ended, for RequestLog::finish.
struct Outcome {
  int status = 0;
  bool challenged = false;
  bool fault = false;
  std::string created_key_id;
  std::string rate_limited_by;
};

// Thread-safe. Entries are numbered at arrival, so the log is in arrival order even when
// concurrent requests finish out of order.
class RequestLog {
 public:
  std::uint64_t begin(LoggedRequest entry);  // returns the entry's seq
  void finish(std::uint64_t seq, Outcome outcome);
  nlohmann::json to_json() const;  // {"requests": [...]}
  // Numbering continues after a clear, so a request in flight cannot update a newer entry.
  void clear();

 private:
  mutable std::mutex mutex_;
  std::deque<LoggedRequest> entries_;
  std::uint64_t next_seq_ = 1;
};

}  // namespace keyform::sandbox
