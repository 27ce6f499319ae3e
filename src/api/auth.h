// How Admin API calls prove who they are. Digest is answered by libcurl inside HttpClient;
// a service account sends a bearer token, fetched once per run and renewed only when needed.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyform {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Headers for the next call ("Authorization: Bearer …"); none for digest.
  virtual std::vector<std::string> headers() = 0;
  // A call sent with `rejected` (what headers() gave it) was answered 401: true when one more
  // try may succeed, because the token was, or has now been, renewed.
  virtual bool renew_after_unauthorized(const std::vector<std::string>& rejected) = 0;
};

// Digest: libcurl does the work, so there is nothing to add and nothing to renew.
class DigestAuth : public Authenticator {
 public:
  std::vector<std::string> headers() override { return {}; }
  bool renew_after_unauthorized(const std::vector<std::string>&) override { return false; }
};

using SteadyTime = std::chrono::steady_clock::time_point;

struct AccessToken {
  std::string value;  // secret
  std::chrono::seconds lifetime{0};
  SteadyTime obtained;
};

// Renew when less than a quarter of the lifetime, and at most 60 s, is left.
bool needs_renewal(const AccessToken& token, SteadyTime now);

// {"access_token": "…", "expires_in": 3600, "token_type": "Bearer"}; throws ResponseError.
AccessToken parse_token_response(std::string_view body, SteadyTime now);

class BearerAuth : public Authenticator {
 public:
  using Fetch = std::function<AccessToken()>;
  using Now = std::function<SteadyTime()>;
  BearerAuth(Fetch fetch, Now now) : fetch_(std::move(fetch)), now_(std::move(now)) {}

  std::vector<std::string> headers() override;
  bool renew_after_unauthorized(const std::vector<std::string>& rejected) override;
  int fetch_count() const { return fetches_; }  // for tests, once calls are done

 private:
  std::string header() const;

  Fetch fetch_;
  Now now_;
  std::mutex mutex_;  // concurrent calls share one token
  std::optional<AccessToken> token_;
  bool renewed_after_401_ = false;  // only once per token
  int fetches_ = 0;
};

class HttpClient;

// POST /api/oauth/token (client credentials; `token_http` sends them as HTTP basic), bounded
// by `timeout` in wall time (pass --timeout's value). Throws ApiError naming the call, the
// status and the OAuth error, never the secret.
AccessToken request_service_account_token(HttpClient& token_http, SteadyTime now,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(120));

}  // namespace keyform
