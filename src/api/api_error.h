// How a failed Admin API call is reported: the error type every API-layer function throws, and
// the wording of a failed response ("404 API_KEY_NOT_FOUND: No API key with ID … exists.").
#pragma once

#include <stdexcept>
#include <string>

#include "api/family.h"
#include "api/http_client.h"

namespace keyform {

struct ApiError : std::runtime_error {
  ApiError(const std::string& message, long status) : std::runtime_error(message), status(status) {}
  long status;  // 0 when the call never got an HTTP answer
};

// "DELETE /api/atlas/v2/groups/…/apiKeys/…": how errors and warnings name a call.
inline std::string describe_call(const ApiRequest& request) { return request.method + " " + request.path; }

// Any 2xx: every family's success (Cloud Manager's service-account calls answer 200 where v2 says 204).
inline bool is_success(long status) { return status >= 200 && status <= 299; }

// The status a response really carries: the HTTP status, or the one inside an envelope=true body.
// Every family's success (200 with an empty body or {}, 204) is a 2xx here.
long effective_status(const HttpResponse& response);

// "<status> <errorCode>: <detail>" from a failed response, both escaped (they come from the
// server); a 401 adds which credential variables to check.
std::string describe_failure(const HttpResponse& response);

}  // namespace keyform
