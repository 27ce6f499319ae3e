// A thin libcurl wrapper. One easy handle is reused for every call so that libcurl keeps the
// connection alive and answers a digest challenge once per connection, not once per request.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "api/credentials.h"
#include "api/family.h"

namespace keyform {

struct HttpResponse {
  long status = 0;
  std::string body;
};

// The request never reached an HTTP answer (refused, reset, timed out, TLS failure).
struct TransportError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class HttpClient {
 public:
  HttpClient(std::string base_url, DigestCredentials credentials);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `Accept: media_type` (and `Content-Type: media_type` with a body).
  HttpResponse send(const ApiRequest& request, std::string_view media_type);

 private:
  struct Handle;
  std::unique_ptr<Handle> handle_;
  std::string base_url_;
  DigestCredentials credentials_;
};

}  // namespace keyform
