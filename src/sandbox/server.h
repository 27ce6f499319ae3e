// The sandbox HTTP server: the three API families, the OAuth token endpoint, digest and bearer
// authentication, access-list and role enforcement (access_list.h, permissions.h),
// ?envelope/?pretty, simulated latency, injected faults (faults.h, listing_faults.h), and the
// /__sandbox/ endpoints for tests (GET state, GET/DELETE requests, GET/POST/DELETE faults,
// GET/POST/DELETE listing-faults), token-bucket rate limits and GET /rateLimits (rate_limits.h,
// rate_limit_listing.h). All state is behind mutexes; cpp-httplib serves connections
// concurrently from a thread pool, with keep-alive.
#pragma once

#include "sandbox/digest.h"
#include "sandbox/family.h"
#include "sandbox/faults.h"
#include "sandbox/fixture.h"
#include "sandbox/listing_faults.h"
#include "sandbox/oauth.h"
#include "sandbox/rate_limits.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"
#include "sandbox/request_log.h"
#include "sandbox/routes.h"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace keyform::sandbox {

struct SandboxOptions {
  std::chrono::milliseconds latency{0};  // slept before answering every API request
  // Slept after authentication before each non-GET Admin API request is served, so a test can
  // interrupt a client while its writes are in flight.
  std::chrono::milliseconds write_latency{0};
  // A broken server: every digest request with valid credentials is answered 401 stale=true.
  bool stale_nonces = false;
  std::chrono::seconds nonce_ttl{300};   // older digest nonces are answered with stale=true
  std::chrono::seconds token_ttl{3600};  // lifetime of issued OAuth tokens
  // Connections served at once. A keep-alive connection holds its thread until it closes or idles
  // for 5 s, so a client with more connections than threads (apply --parallelism 32) stalled 5 s.
  int threads = 64;
  std::vector<Fault> faults;             // see faults.h; more can be added at run time
  std::vector<ListingFault> listing_faults;  // see listing_faults.h; likewise
  std::vector<EndpointSet> rate_limits;      // see rate_limits.h; none: nothing is metered
  // Off (--rate-limit-no-headers): no Retry-After and no RateLimit-* headers, as the Admin API's
  // docs warn can happen.
  bool rate_limit_headers = true;
  // Off (--rate-limits-unlisted): GET /rateLimits answers 404 while the limits still meter, as for a
  // key that may not read them, so a client can only learn them from 429s.
  bool rate_limits_listed = true;
  // The rate limiter's clock; tests move time by hand.
  std::function<std::chrono::steady_clock::time_point()> clock = std::chrono::steady_clock::now;
};

// 127.0.0.0/8, ::1 and "localhost". The sandbox holds plaintext secrets; it must not be reachable
// from other machines.
bool is_loopback_host(const std::string& host);

class Sandbox {
 public:
  explicit Sandbox(OrgState state, SandboxOptions options = {});
  ~Sandbox();  // stops a server started with start()
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  // Listens on a loopback host (port 0: a free port) and serves from a background thread.
  // Returns the port once connections are being accepted. `on_exit(ok)` runs on that thread when
  // serving ends (ok is false if the listening socket failed). Throws std::runtime_error.
  int start(const std::string& host = "127.0.0.1", int port = 0,
            std::function<void(bool ok)> on_exit = {});
  // From any thread. Returns once open keep-alive connections have gone idle (at most 5 s).
  void stop();

 private:
  struct Exchange {
    Reply reply;
    int status;           // the real status, before any envelope; 0 for a dropped connection
    bool fault = false;   // an injected fault answered instead of the API, or shaped a listing
    bool drop = false;    // the fault drops the connection: nothing is answered
    std::string created_key_id{};  // for the request log: the key a create made, even if lost
    std::string rate_limited_by{};  // the endpoint set whose empty bucket answered 429
  };

  int bind(const std::string& host, int port);
  void handle(const httplib::Request& request, httplib::Response& response);
  Reply admin(const httplib::Request& request);
  Exchange api(const httplib::Request& request);
  Exchange family_request(const httplib::Request& request, const Family& family);
  Exchange token_exchange(const httplib::Request& request);
  // Serves an authenticated request, metered by the rate limiter (rate_limits.h).
  Exchange metered(const httplib::Request& request, const Family& family, const Principal& principal,
                   const Format& format);
  Exchange rate_limited(const Admission& admission) const;
  void add_rate_limit_headers(Reply& reply, const Admission& admission) const;
  // `serve` answers the request, unless a fault is due: then the fault answers instead (and for
  // an after-apply fault, `serve` runs first and its answer is lost). Only authenticated
  // requests get here, so a 401 round never uses up a fault.
  template <typename Serve>
  Exchange unless_faulted(const httplib::Request& request, Serve serve);
  Reply add_fault(const std::string& body);
  Reply add_listing_fault(const std::string& body);
  std::optional<Reply> authenticate(const httplib::Request& request, const Family& family,
                                    Principal& principal);
  // 401 for an unknown or expired token, and for a token whose service account was deleted.
  std::optional<Reply> authenticate_bearer(const std::string& token, Principal& principal);
  std::optional<Reply> authenticate_digest(const httplib::Request& request, Principal& principal);
  Reply digest_challenge(bool stale, const std::string& detail);
  Exchange respond(const httplib::Request& request, const Family& family,
                   const Principal& principal);
  std::optional<ListingMode> listing_mode(const Route& route, const Query& query);
  Reply token_request(const httplib::Request& request);
  LoggedRequest log_entry(const httplib::Request& request) const;
  std::string claimed_user(const std::string& authorization) const;
  std::optional<std::string> password_of(const std::string& public_key);

  // httplib::Server with access to its listening socket, see widen_backlog() in server.cpp.
  struct Http : httplib::Server {
    void widen_backlog();
  };

  SandboxOptions options_;
  Http http_;
  std::mutex state_mutex_;  // guards state_
  OrgState state_;
  const std::string fixture_org_id_;  // never changes, so read without the mutex
  DigestAuth digest_;
  TokenStore tokens_;
  RequestLog log_;
  FaultInjector faults_;
  ListingFaultInjector listing_faults_;
  RateLimiter rate_limiter_;
  std::thread background_;
  std::atomic<bool> serving_done_{false};
};

}  // namespace keyform::sandbox
