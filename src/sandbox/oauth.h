// Service accounts: the OAuth 2.0 client-credentials token endpoint and the tokens it issues.
#pragma once

#include "sandbox/digest.h"  // Clock
#include "sandbox/reply.h"

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace keyform::sandbox {

inline constexpr std::string_view token_path = "/api/oauth/token";

// Access tokens with an expiry. Thread-safe.
class TokenStore {
 public:
  explicit TokenStore(std::chrono::seconds ttl) : ttl_(ttl) {}

  std::string issue(const std::string& client_id, Clock::time_point now = Clock::now());
  // The client id behind a live token; nullopt for unknown or expired tokens.
  std::optional<std::string> client_of(const std::string& token,
                                       Clock::time_point now = Clock::now()) const;
  std::chrono::seconds ttl() const { return ttl_; }

 private:
  struct Grant {
    std::string client_id;
    Clock::time_point expires;
  };

  std::chrono::seconds ttl_;
  mutable std::mutex mutex_;
  std::map<std::string, Grant> grants_;
};

struct BasicCredentials {
  std::string user;
  std::string password;
};

// "Basic base64(user:password)"; nullopt for any other scheme or bad encoding.
std::optional<BasicCredentials> parse_basic_authorization(std::string_view header);

// "Bearer <token>" -> token; nullopt for any other scheme.
std::optional<std::string> parse_bearer_authorization(std::string_view header);

struct TokenRequest {
  std::string method;
  std::string authorization;
  std::string content_type;
  std::string body;
};

// POST /api/oauth/token: Basic client authentication, form body grant_type=client_credentials.
// Errors use the OAuth format {"error": "invalid_client", "error_description": ...} (RFC 6749
// §5.2).
Reply token_endpoint(const TokenRequest& request,
                     const std::function<bool(const BasicCredentials&)>& client_is_valid,
                     TokenStore& tokens);

}  // namespace keyform::sandbox
