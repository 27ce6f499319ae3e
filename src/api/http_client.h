// A thin libcurl wrapper. One easy handle is reused for every call so that libcurl keeps the
// connection alive and answers a digest challenge once per connection, not once per request.
#pragma once

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
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

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
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
};

}  // namespace keyform
