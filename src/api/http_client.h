// A thin libcurl wrapper. One easy handle is reused for every call so that libcurl keeps the
// connection alive and answers a digest challenge once per connection, not once per request.
#pragma once

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
};

// The request never reached an HTTP answer (refused, reset, timed out, TLS failure).
struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct HttpOptions {
  std::string ca_bundle;  // a PEM file of trusted CAs (Ops Manager behind a private CA); empty: the system's
  // Receives a line per request and response header for --verbose. Authorization headers arrive
  // redacted and bodies are never traced: they can hold tokens and masked key fragments.
  std::function<void(const std::string&)> trace;
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

  HttpResponse send(const HttpRequest& request);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string base_url_;
  HttpOptions options_;
};

}  // namespace keyform
