// GET /api/atlas/v2/rateLimits (paged) and GET /api/atlas/v2/rateLimits/{endpointSetId}: the
// sandbox's configured endpoint sets (rate_limits.h), an empty list without --rate-limits. Only
// application/vnd.atlas.2025-03-12+json is served: the Admin API has no 2023-01-01 version of it.
#pragma once

#include "sandbox/family.h"
#include "sandbox/rate_limits.h"
#include "sandbox/reply.h"
#include "sandbox/routes.h"

#include <string>
#include <string_view>
#include <vector>

namespace keyform::sandbox {

inline constexpr std::string_view rate_limits_media_type = "application/vnd.atlas.2025-03-12+json";

struct RateLimitsRequest {
  const Family& family;
  std::string_view method;
  std::string_view rest;    // the path after the family's base path, as sent
  std::string_view accept;
  const QueryParams& params;
  std::string self_href;
};

// Whether the request is for /rateLimits or /rateLimits/{id} on atlas-v2.
bool is_rate_limits_request(const Family& family, std::string_view rest);

// Throws ApiError: 405 for a method other than GET, 406 for another Accept, 400
// INVALID_QUERY_PARAMETER (itemsPerPage 1-500, pageNum >= 1, includeCount, envelope, pretty;
// orgId, groupId, userId and ipAddress are accepted and ignored), 404 RESOURCE_NOT_FOUND for an
// unknown endpointSetId.
Reply rate_limits_reply(const std::vector<EndpointSet>& sets, const RateLimitsRequest& request);

}  // namespace keyform::sandbox
