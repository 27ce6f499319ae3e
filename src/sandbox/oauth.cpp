#include "sandbox/oauth.h"

#include "sandbox/random.h"
#include "sandbox/text.h"

#include <httplib.h>
#include <openssl/evp.h>

#include <vector>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

std::optional<std::string> base64_decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  // EVP_DecodeBlock counts the bytes that padding stands for; drop them.
  std::size_t padding = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  return std::string(out.begin(), out.begin() + (static_cast<std::size_t>(n) - padding));
}

Reply oauth_error(int status, std::string_view error, std::string_view description) {
  Reply reply{
      status, json{{"error", error}, {"error_description", description}}, "application/json", {}};
  if (status == 401) {
    reply.headers.emplace_back("WWW-Authenticate", R"(Basic realm="MMS Public API")");
  }
  if (status == 405) reply.headers.emplace_back("Allow", "POST");
  return reply;
}

std::optional<std::string> grant_type(std::string_view body) {
  httplib::Params form;
  httplib::detail::parse_query_text(std::string(body), form);
  if (form.count("grant_type") != 1) return std::nullopt;
  return form.find("grant_type")->second;
}

}  // namespace

std::string TokenStore::issue(const std::string& client_id, Clock::time_point now) {
  std::string token = random_hex(32);
  std::lock_guard lock(mutex_);
  std::erase_if(grants_, [&](const auto& entry) { return entry.second.expires <= now; });
  grants_[token] = Grant{client_id, now + ttl_};
  return token;
}

std::optional<std::string> TokenStore::client_of(const std::string& token,
                                                 Clock::time_point now) const {
  std::lock_guard lock(mutex_);
  auto it = grants_.find(token);
  if (it == grants_.end() || it->second.expires <= now) return std::nullopt;
  return it->second.client_id;
}

std::optional<BasicCredentials> parse_basic_authorization(std::string_view header) {
  if (!istarts_with(header, "Basic ")) return std::nullopt;
  auto decoded = base64_decode(header.substr(6));
  if (!decoded) return std::nullopt;
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

std::optional<std::string> parse_bearer_authorization(std::string_view header) {
  if (!istarts_with(header, "Bearer ") || header.size() == 7) return std::nullopt;
  return std::string(header.substr(7));
}

Reply token_endpoint(const TokenRequest& request,
                     const std::function<bool(const BasicCredentials&)>& client_is_valid,
                     TokenStore& tokens) {
  if (request.method != "POST") return oauth_error(405, "invalid_request", "Use POST.");
  auto client = parse_basic_authorization(request.authorization);
  if (!client || !client_is_valid(*client)) {
    return oauth_error(401, "invalid_client",
                       "Client authentication failed (Basic base64(client_id:client_secret)).");
  }
  if (media_type(request.content_type) != "application/x-www-form-urlencoded") {
    return oauth_error(400, "invalid_request",
                       "Content-Type must be application/x-www-form-urlencoded.");
  }
  auto grant = grant_type(request.body);
  if (!grant) {
    return oauth_error(400, "invalid_request", "The body must contain grant_type exactly once.");
  }
  if (*grant != "client_credentials") {
    return oauth_error(400, "unsupported_grant_type",
                       "Only grant_type=client_credentials is supported.");
  }
  json body = {{"access_token", tokens.issue(client->user)},
               {"expires_in", tokens.ttl().count()},
               {"token_type", "Bearer"}};
  return Reply{200, std::move(body), "application/json", {{"Cache-Control", "no-store"}}};
}

}  // namespace keyform::sandbox
