#include "api/auth.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/api_error.h"
#include "api/http_client.h"
#include "api/responses.h"

namespace keyform {

bool needs_renewal(const AccessToken& token, SteadyTime now) {
  const auto margin = std::min<std::chrono::seconds>(token.lifetime / 4, std::chrono::seconds(60));
  return now >= token.obtained + token.lifetime - margin;
}

AccessToken parse_token_response(std::string_view body, SteadyTime now) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) throw ResponseError("token response is not a JSON object");
  auto token = doc.find("access_token");
  auto expires = doc.find("expires_in");
  if (token == doc.end() || !token->is_string() || token->get<std::string>().empty()) {
    throw ResponseError("token response has no \"access_token\"");
  }
  if (expires == doc.end() || !expires->is_number_integer() || expires->get<long long>() <= 0) {
    throw ResponseError("token response has no positive \"expires_in\"");
  }
  auto type = doc.find("token_type");
  if (type != doc.end() && (!type->is_string() || type->get<std::string>() != "Bearer")) {
    throw ResponseError("token response is not a Bearer token");
  }
  return {token->get<std::string>(), std::chrono::seconds(expires->get<long long>()), now};
}

std::vector<std::string> BearerAuth::headers() {
  std::lock_guard lock(mutex_);
  if (token_ && needs_renewal(*token_, now_())) {
    token_.reset();
    renewed_after_401_ = false;  // a token renewed on schedule may be renewed once on a 401 again
  }
  if (!token_) {
    token_ = fetch_();
    ++fetches_;
  }
  return {header()};
}

std::string BearerAuth::header() const { return "Authorization: Bearer " + token_->value; }

// At most one renewal per 401 streak: a service that rejects fresh tokens is not retried forever.
bool BearerAuth::renew_after_unauthorized(const std::vector<std::string>& rejected) {
  std::lock_guard lock(mutex_);
  // Another call already replaced the rejected token: just try again with the new one.
  if (token_ && (rejected.empty() || rejected.front() != header())) return true;
  if (renewed_after_401_) return false;
  token_.reset();  // the next headers() fetches a new one
  renewed_after_401_ = true;
  return true;
}

AccessToken request_service_account_token(HttpClient& token_http, SteadyTime now, std::chrono::milliseconds timeout) {
  const HttpRequest request{"POST", "/api/oauth/token", "grant_type=client_credentials",
                            {"Accept: application/json", "Content-Type: application/x-www-form-urlencoded"}};
  const std::string call = "service account token: POST " + request.path;
  HttpResponse response;
  try {
    response = token_http.send(request, timeout);
  } catch (const TransportError& e) {
    throw ApiError(call + ": " + e.what(), 0);
  }
  if (response.status != 200) throw ApiError(call + ": " + describe_failure(response), response.status);
  try {
    return parse_token_response(response.body, now);
  } catch (const ResponseError& e) {
    throw ApiError(call + ": unexpected response: " + e.what(), response.status);
  }
}

}  // namespace keyform
