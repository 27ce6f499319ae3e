// Test helpers for driving keyform-sandbox over loopback HTTP: a sandbox on a free port for the
// duration of a test, and a digest client played by hand on one keep-alive connection.
// Header-only, shared by the sandbox_*_test.cpp files that talk HTTP.
#pragma once

#include "sandbox/digest.h"
#include "sandbox/fixture.h"
#include "sandbox/server.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>

namespace sandbox_test {

using keyform::sandbox::DigestCredentials;
using keyform::sandbox::OrgState;
using keyform::sandbox::Sandbox;
using keyform::sandbox::SandboxOptions;
using keyform::sandbox::digest_realm;
using keyform::sandbox::digest_response;
using nlohmann::json;

inline constexpr const char* v2_type = "application/vnd.atlas.2023-01-01+json";

// A sandbox on a free loopback port for the duration of a test.
struct Running {
  explicit Running(OrgState state, SandboxOptions options = {})
      : sandbox(std::move(state), std::move(options)), port(sandbox.start()) {}
  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_keep_alive(true);
    c.set_url_encode(false);
    return c;
  }
  json admin_get(const std::string& path) const {
    auto c = client();
    auto response = c.Get(path.c_str());
    REQUIRE(response);
    return json::parse(response->body);
  }
  Sandbox sandbox;
  int port;
};

inline std::string header_param(const std::string& header, const std::string& name) {
  const std::string marker = name + "=\"";
  auto start = header.find(marker);
  if (start == std::string::npos) return "";
  start += marker.size();
  return header.substr(start, header.find('"', start) - start);
}

// Plays a digest client by hand on one keep-alive connection: one challenge, then the same nonce
// with a growing nc, like libcurl.
class DigestClient {
 public:
  DigestClient(const Running& server, std::string user, std::string password)
      : http_(server.client()), user_(std::move(user)), password_(std::move(password)) {}

  httplib::Result send(const std::string& method, const std::string& target,
                       httplib::Headers headers = {}, const std::string& body = "") {
    if (nonce_.empty()) {
      auto challenge = raw(method, target, headers, body);
      if (!challenge || challenge->status != 401) return challenge;
      take_challenge(*challenge);
    }
    auto response = raw(method, target, with_auth(headers, method, target), body);
    if (response && response->status == 401 &&
        header_param(response->get_header_value("WWW-Authenticate"), "nonce") != "" &&
        response->get_header_value("WWW-Authenticate").ends_with("stale=true")) {
      take_challenge(*response);
      response = raw(method, target, with_auth(headers, method, target), body);
    }
    return response;
  }

  // The Authorization value for the next request, without sending it (for replay tests).
  std::string authorization(const std::string& method, const std::string& target) {
    DigestCredentials c{user_,  std::string(digest_realm),    nonce_,     target, "",
                        "auth", fmt::format("{:08x}", ++nc_), "cafebabe", "MD5"};
    c.response = digest_response(c, password_, method);
    return fmt::format(
        R"(Digest username="{}", realm="{}", nonce="{}", uri="{}", cnonce="{}", nc={}, qop=auth, )"
        R"(response="{}", algorithm=MD5)",
        c.username, c.realm, c.nonce, c.uri, c.cnonce, c.nc, c.response);
  }

  httplib::Result raw(const std::string& method, const std::string& target,
                      const httplib::Headers& headers, const std::string& body = "") {
    httplib::Request request;
    request.method = method;
    request.path = target;
    request.headers = headers;
    request.body = body;
    return http_.send(request);
  }

  const std::string& nonce() const { return nonce_; }

 private:
  void take_challenge(const httplib::Response& challenge) {
    nonce_ = header_param(challenge.get_header_value("WWW-Authenticate"), "nonce");
    nc_ = 0;
  }
  httplib::Headers with_auth(httplib::Headers headers, const std::string& method,
                             const std::string& target) {
    headers.emplace("Authorization", authorization(method, target));
    return headers;
  }

  httplib::Client http_;
  std::string user_;
  std::string password_;
  std::string nonce_;
  unsigned nc_ = 0;
};

inline httplib::Headers v2_headers(bool with_body = false) {
  httplib::Headers h{{"Accept", v2_type}};
  if (with_body) h.emplace("Content-Type", v2_type);
  return h;
}

}  // namespace sandbox_test
