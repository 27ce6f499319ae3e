// The Admin API's rate limits as `GET /rateLimits` describes them (Atlas v2, media type
// 2025-03-12): token buckets per endpoint set and scope. keyform reads them once and paces its
// calls to them (api/pacer.h) instead of learning them from 429s.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/responses.h"

namespace keyform {

// Which value of a call keeps its own bucket of a set: the org or project in its path, the
// principal that signs it, or the address it comes from.
enum class LimitScope { organization, group, user, ip };

struct EndpointTemplate {
  std::string method;  // "GET", or "*" for any
  std::string path;    // "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}"
};

struct EndpointSet {
  std::string id;    // "apiKeysWrite_org"
  std::string name;  // for people: the pacing note names it
  LimitScope scope = LimitScope::organization;
  std::vector<EndpointTemplate> endpoints;
  double capacity = 0;           // tokens a full bucket holds
  double refill_per_second = 0;  // refillRate / refillDurationSeconds
};

// Whether `path` (query ignored) fits `templ`: segment by segment, "{name}" standing for one
// non-empty segment, with literal text around it in the same segment ("{clientId}:invite").
bool path_matches(std::string_view templ, std::string_view path);

// The bucket key of `path` within a set of `scope`: the segment after "orgs" (else `org_id`)
// for organization, after "groups" for group (nullopt when the path has none), "" for user and
// ip (keyform is one principal at one address).
std::optional<std::string> scope_value(LimitScope scope, std::string_view path, const std::string& org_id);

// The first set with an endpoint that `method` + `path` fits, or null.
const EndpointSet* set_for(const std::vector<EndpointSet>& sets, std::string_view method, std::string_view path);

// One page of GET /rateLimits. Throws ResponseError on anything but the documented shape, and on
// sets that cannot be paced to (capacity or refill not positive, no endpoint).
Page<EndpointSet> parse_rate_limits_page(std::string_view body);

// A path with every segment that holds an id replaced by "{}", for learning a limit per
// endpoint when /rateLimits could not be read: "/api/atlas/v2/groups/{}/apiKeys/{}".
std::string path_template_of(std::string_view path);

}  // namespace keyform
