// keyform-sandbox --rate-limits FILE: the Admin API's token-bucket rate limits.
//
// The file is a JSON array of endpoint sets in the shape GET /api/atlas/v2/rateLimits answers
// (RateLimitEndpointSetResponse):
//   [{"endpointSetId": "orgApiKeyWrites", "endpointSetName": "Org API key writes",
//     "scope": "ORGANIZATION",                        (or GROUP, USER, IP)
//     "endpoints": [{"method": "POST", "path": "/api/atlas/v2/orgs/{orgId}/apiKeys"}],
//     "capacity": {"value": 50}, "refillRate": {"value": 20},
//     "refillDurationSeconds": {"value": 1}}]
// capacity, refillRate and refillDurationSeconds may also carry "defaultValue". A path is a full
// template under /api/atlas/v2, /api/atlas/v1.0 or /api/public/v1.0; each {name} matches one
// non-empty path segment, or the part of one before a literal suffix ("{clientId}:invite").
//
// Metering: the first set with an endpoint matching the call (method + template, on the path as
// sent, still percent-encoded) meters it, with one bucket per set and scope value: ORGANIZATION
// the org id in the path (else the fixture's org), GROUP the project id in the path, USER the
// authenticated principal, IP the client address.
#pragma once

#include "sandbox/token_bucket.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyform::sandbox {

enum class RateLimitScope { organization, group, user, ip };

std::string_view scope_name(RateLimitScope scope);  // "ORGANIZATION", ...

struct RateLimitEndpoint {
  std::string method;  // GET, POST, PUT, DELETE or PATCH
  std::string path;    // template, e.g. /api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}
};

// One of capacity, refillRate, refillDurationSeconds.
struct RateLimitValue {
  std::int64_t value = 1;
  std::optional<std::int64_t> default_value;  // only when the value overrides a default
};

struct EndpointSet {
  std::string id;
  std::string name;
  RateLimitScope scope = RateLimitScope::organization;
  std::vector<RateLimitEndpoint> endpoints;
  RateLimitValue capacity;
  RateLimitValue refill_rate;
  RateLimitValue refill_duration_seconds;

  BucketLimits limits() const;
};

// A bad file; what() names the entry (index and id when it has one) and what is wrong.
struct RateLimitsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Validates everything: types, scope and method names, positive values, unique ids, known base
// paths, well-formed templates, no unknown fields (typos). Throws RateLimitsError.
std::vector<EndpointSet> parse_rate_limits(std::string_view text);
std::vector<EndpointSet> load_rate_limits(const std::string& path);  // message starts with the path

// The set as RateLimitEndpointSetResponse.
nlohmann::json endpoint_set_json(const EndpointSet& set);

// Whether `path` (no query, as sent) fits `path_template`.
bool matches_template(std::string_view path_template, std::string_view path);

// Who makes a call, for the scope key.
struct Caller {
  std::string principal;   // public key or client id
  std::string address;     // client address
  std::string fixture_org; // for ORGANIZATION sets whose path names no org
};

// The bucket a call to `path` falls in within `set`: its scope value.
std::string scope_key(const EndpointSet& set, std::string_view path, const Caller& caller);

// What the limiter decided about one metered call.
struct Admission {
  std::string set_id;
  std::int64_t limit = 0;  // capacity, for RateLimit-Limit
  BucketVerdict verdict;
};

// The sandbox's buckets. Thread-safe; the clock is injected so tests can move time by hand.
class RateLimiter {
 public:
  using Clock = TokenBucket::Clock;
  explicit RateLimiter(std::vector<EndpointSet> sets,
                       std::function<Clock::time_point()> now = Clock::now);
  // nullopt for a call no set meters; otherwise its verdict, a token taken when allowed.
  std::optional<Admission> admit(std::string_view method, std::string_view path,
                                 const Caller& caller);
  const std::vector<EndpointSet>& sets() const { return sets_; }

 private:
  const EndpointSet* meter_of(std::string_view method, std::string_view path) const;

  std::vector<EndpointSet> sets_;
  std::function<Clock::time_point()> now_;
  std::mutex mutex_;  // guards buckets_
  std::map<std::pair<std::string, std::string>, TokenBucket> buckets_;  // (set id, scope value)
};

}  // namespace keyform::sandbox
