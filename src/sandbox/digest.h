// Server side of HTTP digest authentication (RFC 7616, MD5, qop=auth), as the Admin API does it.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace keyform::sandbox {

using Clock = std::chrono::steady_clock;

inline constexpr std::string_view digest_realm = "MMS Public API";

// Lowercase hex MD5 through OpenSSL's EVP interface.
std::string md5_hex(std::string_view data);

// The fields of an "Authorization: Digest ..." header, as the client sent them.
struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string qop;
  std::string nc;
  std::string cnonce;
  std::string algorithm;  // optional; empty when absent
};

// nullopt unless `header` is a well-formed Digest header carrying every field qop=auth needs.
std::optional<DigestCredentials> parse_digest_authorization(std::string_view header);

// MD5(HA1:nonce:nc:cnonce:qop:HA2) with HA1 = MD5(user:realm:password), HA2 = MD5(method:uri).
// The `response` field of `credentials` is ignored. Tests use it to play the client.
std::string digest_response(const DigestCredentials& credentials, std::string_view password,
                            std::string_view method);

// Everything but `accepted` is answered with a fresh challenge; only `stale` says stale=true.
// The rejections are told apart so the 401's detail can tell a client's author what went wrong.
enum class DigestVerdict {
  accepted,
  stale,            // right credentials, expired nonce
  bad_credentials,  // unknown user or wrong password
  unsupported,      // realm, qop, algorithm or nc not as challenged
  wrong_uri,        // uri is not this request's target
  unknown_nonce,    // not a nonce this server issued
  replayed,         // nc not greater than the last one seen with this nonce
};

// The 401 detail for a verdict other than `accepted`.
std::string_view describe(DigestVerdict verdict);

// Issues nonces and checks digest answers against them. Thread-safe.
class DigestAuth {
 public:
  explicit DigestAuth(std::chrono::seconds nonce_ttl) : nonce_ttl_(nonce_ttl) {}

  // The WWW-Authenticate value of a new challenge, with a nonce issued now.
  std::string challenge(bool stale, Clock::time_point now = Clock::now());

  // `target` is the request target the server received (path and query), `password` is nullopt
  // for an unknown user.
  DigestVerdict verify(const DigestCredentials& credentials, std::string_view method,
                       std::string_view target, const std::optional<std::string>& password,
                       Clock::time_point now = Clock::now());

 private:
  struct NonceState {
    Clock::time_point issued;
    std::uint64_t last_nc = 0;  // nc values must grow, so a captured request cannot be replayed
  };

  DigestVerdict use_nonce(const std::string& nonce, std::uint64_t nc, Clock::time_point now);
  void forget_long_expired(Clock::time_point now);

  std::chrono::seconds nonce_ttl_;
  std::mutex mutex_;
  std::map<std::string, NonceState> nonces_;
};

}  // namespace keyform::sandbox
