// A thin libcurl wrapper. One easy handle is reused for every call so that libcurl keeps the
// connection alive and answers a digest challenge once per connection, not once per request.
// Every call is bounded: in wall time (the caller's budget), in body size (max_body_bytes), and
// in digest round trips (libcurl would answer "401 stale=true" without end inside one call).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace keyform {

struct HttpRequest {
  std::string method;
  std::string path;  // appended to the base URL
  std::optional<std::string> body;
  std::vector<std::string> headers;  // "Name: value"
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::optional<long> retry_after_seconds;  // a numeric Retry-After header, when sent
  // The server answered 401 stale=true ("your nonce expired") a second time in one call, after
  // libcurl had already answered a challenge: the call was cut short there (nothing was done).
  // libcurl alone would answer every new nonce without end; the caller counts this as an attempt.
  bool stale_nonce = false;
  std::optional<long> rate_limit_remaining;  // RateLimit-Remaining, when sent (Atlas v2)
};

// The request never reached an HTTP answer (refused, reset, timed out, TLS failure).
struct TransportError : std::runtime_error {
  explicit TransportError(const std::string& message, bool retryable = true)
      : std::runtime_error(message), retryable(retryable) {}
  // false: trying again cannot help (the server's certificate is not trusted, the body is over
  // the cap), so the caller fails at once instead of backing off.
  bool retryable;
};

// The response body passed HttpOptions::max_body_bytes; the transfer was cut off there.
struct BodyTooLarge : TransportError {
  explicit BodyTooLarge(const std::string& message) : TransportError(message, false) {}
};

constexpr std::size_t kMaxBodyBytes = std::size_t{64} << 20;  // 64 MiB: far over any real page
constexpr std::chrono::milliseconds kMaxConnectTimeout{10000};
constexpr std::chrono::milliseconds kDefaultCallTimeout{120000};

struct HttpOptions {
  std::string ca_bundle;  // a PEM file of trusted CAs (Ops Manager behind a private CA); empty: the system's
  // Receives a line per request and response header for --verbose. Authorization headers arrive
  // redacted and bodies are never traced: they can hold tokens and masked key fragments.
  std::function<void(const std::string&)> trace;
  // A response body over this is cut off while it arrives (BodyTooLarge), so a broken or hostile
  // server cannot fill the memory.
  std::size_t max_body_bytes = kMaxBodyBytes;
};

// "Authorization: Digest username=…" -> "Authorization: [redacted]"; other lines unchanged.
std::string redact_header_line(std::string_view line);

class HttpClient {
 public:
  explicit HttpClient(std::string base_url, HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Answer HTTP digest challenges as `user` (libcurl keeps the nonce for later calls).
  void use_digest(const std::string& user, const std::string& password);
  // Send HTTP basic credentials (the OAuth token endpoint).
  void use_basic(const std::string& user, const std::string& password);

  // One request; `timeout` bounds it in wall time (challenges, slow answers and all), and the
  // connection phase to at most kMaxConnectTimeout of it. Throws TransportError (BodyTooLarge;
  // retryable == false for TLS trust failures, with a hint naming --cacert).
  HttpResponse send(const HttpRequest& request, std::chrono::milliseconds timeout = kDefaultCallTimeout);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string base_url_;
  HttpOptions options_;
};

}  // namespace keyform
