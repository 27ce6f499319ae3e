#include "api/api_error.h"

#include "api/responses.h"
#include "core/escape.h"

namespace keyform {

long effective_status(const HttpResponse& response) {
  if (response.status != 200) return response.status;
  return enveloped_status(response.body).value_or(200);
}

std::string describe_failure(const HttpResponse& response) {
  ApiErrorBody error = parse_error_body(response.body);
  std::string text = std::to_string(response.status);
  if (!error.error_code.empty()) text += " " + escape_text(error.error_code);
  if (!error.detail.empty()) text += ": " + escape_text(error.detail);
  if (response.status == 401) {
    text += " (check the credentials in MONGODB_ATLAS_PUBLIC_API_KEY/MONGODB_ATLAS_PRIVATE_API_KEY or "
            "MONGODB_ATLAS_CLIENT_ID/MONGODB_ATLAS_CLIENT_SECRET)";
  }
  return text;
}

}  // namespace keyform
