#include "api/admin_client.h"

#include "api/responses.h"

namespace keyform {
namespace {

std::string describe_call(const ApiRequest& request) { return request.method + " " + request.path; }

}  // namespace

long effective_status(const HttpResponse& response) {
  if (response.status != 200) return response.status;
  return enveloped_status(response.body).value_or(200);
}

std::string describe_failure(const HttpResponse& response) {
  ApiErrorBody error = parse_error_body(response.body);
  std::string text = std::to_string(response.status);
  if (!error.error_code.empty()) text += " " + error.error_code;
  if (!error.detail.empty()) text += ": " + error.detail;
  if (response.status == 401) {
    text += " (check the credentials in MONGODB_ATLAS_PUBLIC_API_KEY/MONGODB_ATLAS_PRIVATE_API_KEY or "
            "MONGODB_ATLAS_CLIENT_ID/MONGODB_ATLAS_CLIENT_SECRET)";
  }
  return text;
}

namespace {

// A listing that never ends is a server bug; do not loop on it forever.
constexpr int kMaxPages = 100000;

}  // namespace

HttpResponse AdminClient::send_once(const ApiRequest& request) {
  HttpRequest http_request{request.method, request.path, request.body, auth_.headers()};
  http_request.headers.push_back("Accept: " + std::string(family_.media_type));
  if (request.body) http_request.headers.push_back("Content-Type: " + std::string(family_.media_type));
  HttpResponse response;
  try {
    response = http_.send(http_request);
  } catch (const TransportError& e) {
    throw ApiError(describe_call(request) + ": " + e.what(), 0);
  }
  // A proxy or base URL adding envelope=true must not turn a failure into a success.
  response.status = effective_status(response);
  return response;
}

HttpResponse AdminClient::call(const ApiRequest& request) {
  HttpResponse response = send_once(request);
  if (response.status == 401 && auth_.renew_after_unauthorized()) response = send_once(request);
  if (response.status < 200 || response.status > 299) {
    throw ApiError(describe_call(request) + ": " + describe_failure(response), response.status);
  }
  return response;
}

template <typename T, typename MakeRequest, typename ParsePage>
std::vector<T> AdminClient::read_all_pages(MakeRequest make_request, ParsePage parse_page) {
  std::vector<T> items;
  std::optional<long> total;
  for (int page = 1; page <= kMaxPages; ++page) {
    ApiRequest request = make_request(page);
    HttpResponse response = call(request);
    Page<T> parsed;
    try {
      parsed = parse_page(response.body);
    } catch (const ResponseError& e) {
      throw ApiError(describe_call(request) + ": unexpected response: " + e.what(), response.status);
    }
    if (!total) total = parsed.total_count;
    const bool short_page = static_cast<int>(parsed.items.size()) < family_.page_size;
    for (auto& item : parsed.items) items.push_back(std::move(item));
    if (total ? static_cast<long>(items.size()) >= *total : short_page) return items;
    if (parsed.items.empty()) {
      throw ApiError(describe_call(request) + ": listing ended at " + std::to_string(items.size()) +
                         " of " + std::to_string(*total) + " items",
                     response.status);
    }
  }
  throw ApiError("listing has more than " + std::to_string(kMaxPages) + " pages", 0);
}

LiveState AdminClient::read_org() {
  LiveState live;
  live.org_id = org_id_;
  live.keys = read_all_pages<LiveKey>(
      [&](int page) { return list_org_keys_request(family_, org_id_, page); }, parse_keys_page);
  live.projects = read_all_pages<LiveProject>(
      [&](int page) { return list_org_projects_request(family_, org_id_, page); },
      parse_projects_page);
  return live;
}

void AdminClient::execute(const Action& action) { call(action_request(family_, org_id_, action)); }

}  // namespace keyform
