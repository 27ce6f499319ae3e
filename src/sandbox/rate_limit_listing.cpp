#include "sandbox/rate_limit_listing.h"

#include "sandbox/text.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

constexpr std::string_view collection = "/rateLimits";

void check_accept(std::string_view accept) {
  const auto types = accepted_media_types(accept);
  if (std::find(types.begin(), types.end(), rate_limits_media_type) != types.end()) return;
  throw ApiError(406, "INVALID_VERSION_OR_MEDIA_TYPE",
                 fmt::format("The Accept header \"{}\" is not supported by this resource; send {} "
                             "(rate limits exist only in that version).",
                             accept, rate_limits_media_type),
                 {std::string(accept)});
}

// The scope filters narrow the real answer to one scope's sets; the sandbox answers every set,
// which is what a client reading all scopes gets anyway.
bool is_ignored_filter(const std::string& name) {
  return name == "orgId" || name == "groupId" || name == "userId" || name == "ipAddress";
}

// Paging as the other listings read it; the scope filters pass unchecked.
PageRequest page_request(const QueryParams& params, const Family& family) {
  QueryParams paging;
  for (const auto& [name, value] : params) {
    if (!is_ignored_filter(name)) paging.emplace(name, value);
  }
  return parse_query(paging, family, Operation::list_org_keys).page;
}

Reply listing(const std::vector<EndpointSet>& sets, const RateLimitsRequest& request) {
  const PageRequest page = page_request(request.params, request.family);
  const auto total = static_cast<long long>(sets.size());
  const long long first = std::min(total, (page.page_num - 1) * page.items_per_page);
  const long long last = std::min(total, first + page.items_per_page);
  json results = json::array();
  for (long long i = first; i < last; ++i) {
    results.push_back(endpoint_set_json(sets[static_cast<std::size_t>(i)]));
  }
  json body = {{"results", std::move(results)},
               {"links", json::array({{{"rel", "self"}, {"href", request.self_href}}})}};
  if (page.include_count) body["totalCount"] = total;
  return Reply{200, std::move(body), std::string(rate_limits_media_type), {}};
}

Reply one_set(const std::vector<EndpointSet>& sets, const RateLimitsRequest& request,
              std::string_view id) {
  for (const auto& [name, value] : request.params) {
    if (!is_ignored_filter(name) && name != "envelope" && name != "pretty") {
      throw ApiError(400, "INVALID_QUERY_PARAMETER",
                     fmt::format("Invalid query parameter {}: not a parameter of this resource.", name),
                     {name});
    }
  }
  const std::string wanted = percent_decode(id);
  for (const EndpointSet& set : sets) {
    if (set.id == wanted) {
      return Reply{200, endpoint_set_json(set), std::string(rate_limits_media_type), {}};
    }
  }
  throw ApiError(404, "RESOURCE_NOT_FOUND",
                 fmt::format("No rate limit endpoint set with id {}.", wanted));
}

}  // namespace

bool is_rate_limits_request(const Family& family, std::string_view rest) {
  if (!family.versioned || !rest.starts_with(collection)) return false;
  const std::string_view tail = rest.substr(collection.size());
  return tail.empty() || (tail.size() > 1 && tail[0] == '/' && tail.find('/', 1) == tail.npos);
}

Reply rate_limits_reply(const std::vector<EndpointSet>& sets, const RateLimitsRequest& request) {
  if (request.method != "GET") {
    throw ApiError(405, "METHOD_NOT_ALLOWED",
                   fmt::format("{} /api/atlas/v2{} is not supported by this API (allowed: GET).",
                               request.method, request.rest),
                   {}, {{"Allow", "GET"}});
  }
  check_accept(request.accept);
  const std::string_view tail = request.rest.substr(collection.size());
  if (tail.empty()) return listing(sets, request);
  return one_set(sets, request, tail.substr(1));
}

}  // namespace keyform::sandbox
