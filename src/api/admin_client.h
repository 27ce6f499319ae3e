// The Admin API as keyform uses it: read the whole org in two paged listings, and carry out
// one plan action per call. Errors name the call, the status, the errorCode and the detail.
#pragma once

#include <stdexcept>
#include <string>

#include "api/auth.h"
#include "api/family.h"
#include "api/http_client.h"
#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

struct ApiError : std::runtime_error {
  ApiError(const std::string& message, long status) : std::runtime_error(message), status(status) {}
  long status;  // 0 when the call never got an HTTP answer
};

// The status a response really carries: the HTTP status, or the one inside an envelope=true body.
// Every family's success (200 with an empty body or {}, 204) is a 2xx here.
long effective_status(const HttpResponse& response);

// "404 API_KEY_NOT_FOUND: No API key with ID … exists." from a failed response.
std::string describe_failure(const HttpResponse& response);

class AdminClient {
 public:
  AdminClient(const ApiFamily& family, HttpClient& http, Authenticator& auth, std::string org_id)
      : family_(family), http_(http), auth_(auth), org_id_(std::move(org_id)) {}

  // GET /orgs/{O}/apiKeys and GET /orgs/{O}/groups, every page. Nothing else.
  LiveState read_org();

  // The single call for one action; throws ApiError when it does not succeed.
  void execute(const Action& action);

  const ApiFamily& family() const { return family_; }

 private:
  HttpResponse call(const ApiRequest& request);
  HttpResponse send_once(const ApiRequest& request);
  template <typename T, typename MakeRequest, typename ParsePage>
  std::vector<T> read_all_pages(MakeRequest make_request, ParsePage parse_page);

  const ApiFamily& family_;
  HttpClient& http_;
  Authenticator& auth_;
  std::string org_id_;
};

}  // namespace keyform
