// keyform-sandbox --rate-limits over loopback HTTP: 429 once a bucket is empty, the RateLimit-*
// and Retry-After headers (and their absence with --rate-limit-no-headers), no token for 401s,
// GET /rateLimits with its media type and paging, and the request log's rate_limited_by.
#include "sandbox/rate_limits.h"
#include "sandbox_http_client.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>

namespace keyform_test_sandbox_rate_limits_http {

using namespace sandbox_test;
using keyform::sandbox::parse_fixture;
using keyform::sandbox::parse_rate_limits;
using namespace std::chrono_literals;

namespace {

constexpr const char* org = "5a0a1e7e0f2912c554080adc";
constexpr const char* rate_type = "application/vnd.atlas.2025-03-12+json";

OrgState org_state() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c4d", "name": "payments-prod"}],
    "keys": [{"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas",
              "private_key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "desc": "CI deployer",
              "org_roles": ["ORG_OWNER"]}]
  })");
}

// Org key reads, 3 per hour; then a project-scoped set nobody calls, for the listing's pages.
constexpr const char* limits = R"([
  {"endpointSetId": "orgKeyReads", "endpointSetName": "Org key reads", "scope": "ORGANIZATION",
   "endpoints": [{"method": "GET", "path": "/api/atlas/v2/orgs/{orgId}/apiKeys"},
                 {"method": "GET", "path": "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}"}],
   "capacity": {"value": 3}, "refillRate": {"value": 1}, "refillDurationSeconds": {"value": 3600}},
  {"endpointSetId": "projectWrites", "endpointSetName": "Project writes", "scope": "GROUP",
   "endpoints": [{"method": "DELETE", "path": "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}"}],
   "capacity": {"value": 5, "defaultValue": 10}, "refillRate": {"value": 5},
   "refillDurationSeconds": {"value": 1}}
])";

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
};

SandboxOptions limited(const std::shared_ptr<FakeClock>& clock, bool headers = true) {
  SandboxOptions options;
  options.rate_limits = parse_rate_limits(limits);
  options.rate_limit_headers = headers;
  options.clock = [clock] { return clock->now; };
  return options;
}

std::string keys_path() { return std::string("/api/atlas/v2/orgs/") + org + "/apiKeys"; }

httplib::Headers rate_headers() { return {{"Accept", rate_type}}; }

json requests(const Running& server) { return server.admin_get("/__sandbox/requests")["requests"]; }

}  // namespace

TEST_CASE("sandbox rate limits http: 429 after capacity calls, with the headers the API sends") {
  auto clock = std::make_shared<FakeClock>();
  Running server(org_state(), limited(clock));
  DigestClient digest(server, "zmmrboas", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  for (const char* remaining : {"2", "1", "0"}) {
    auto ok = digest.send("GET", keys_path(), v2_headers());
    REQUIRE(ok);
    CHECK(ok->status == 200);
    CHECK(ok->get_header_value("RateLimit-Limit") == "3");
    CHECK(ok->get_header_value("RateLimit-Remaining") == remaining);
    CHECK_FALSE(ok->has_header("Retry-After"));
  }
  auto refused = digest.send("GET", keys_path(), v2_headers());
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(refused->get_header_value("Retry-After") == "3600");
  CHECK(refused->get_header_value("RateLimit-Limit") == "3");
  CHECK(refused->get_header_value("RateLimit-Remaining") == "0");
  const json body = json::parse(refused->body);
  CHECK(body["error"] == 429);
  CHECK(body["errorCode"] == "RATE_LIMITED");
  CHECK(body["reason"] == "Too Many Requests");
  CHECK(body["detail"].get<std::string>().find("orgKeyReads") != std::string::npos);
  // A 429 takes no token: after 1 h exactly one call fits again.
  CHECK(digest.send("GET", keys_path(), v2_headers())->status == 429);
  clock->now += 3600s;
  CHECK(digest.send("GET", keys_path(), v2_headers())->status == 200);
  CHECK(digest.send("GET", keys_path(), v2_headers())->status == 429);
  // Unmetered calls go on: the project listing is in no set.
  auto other = digest.send("GET", std::string("/api/atlas/v2/orgs/") + org + "/groups", v2_headers());
  CHECK(other->status == 200);
  CHECK_FALSE(other->has_header("RateLimit-Limit"));

  const json log = requests(server);
  int limited_entries = 0;
  for (const json& entry : log) {
    if (entry["status"] == 429) {
      ++limited_entries;
      CHECK(entry["rate_limited_by"] == "orgKeyReads");
    } else {
      CHECK(entry["rate_limited_by"] == "");
    }
  }
  CHECK(limited_entries == 3);
}

TEST_CASE("sandbox rate limits http: every authenticated answer takes a token, 401s take none") {
  auto clock = std::make_shared<FakeClock>();
  Running server(org_state(), limited(clock));
  DigestClient stranger(server, "zmmrboas", "wrong-password");
  for (int i = 0; i < 5; ++i) {
    auto denied = stranger.send("GET", keys_path(), v2_headers());
    REQUIRE(denied);
    CHECK(denied->status == 401);
    CHECK_FALSE(denied->has_header("RateLimit-Remaining"));
  }
  DigestClient digest(server, "zmmrboas", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  // A 404 and a 406 count as calls all the same.
  auto missing = digest.send("GET", keys_path() + "/65f0c0ffee00000000000999", v2_headers());
  CHECK(missing->status == 404);
  CHECK_FALSE(missing->has_header("RateLimit-Remaining"));  // headers on 2xx answers only
  CHECK(digest.send("GET", keys_path(), {{"Accept", "application/json"}})->status == 406);
  auto last = digest.send("GET", keys_path(), v2_headers());
  CHECK(last->status == 200);
  CHECK(last->get_header_value("RateLimit-Remaining") == "0");
  CHECK(digest.send("GET", keys_path(), v2_headers())->status == 429);
}

TEST_CASE("sandbox rate limits http: --rate-limit-no-headers drops Retry-After and RateLimit-*") {
  auto clock = std::make_shared<FakeClock>();
  Running server(org_state(), limited(clock, false));
  DigestClient digest(server, "zmmrboas", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  for (int i = 0; i < 3; ++i) {
    auto ok = digest.send("GET", keys_path(), v2_headers());
    CHECK(ok->status == 200);
    CHECK_FALSE(ok->has_header("RateLimit-Limit"));
    CHECK_FALSE(ok->has_header("RateLimit-Remaining"));
  }
  auto refused = digest.send("GET", keys_path(), v2_headers());
  CHECK(refused->status == 429);
  CHECK_FALSE(refused->has_header("Retry-After"));
  CHECK_FALSE(refused->has_header("RateLimit-Remaining"));
  CHECK(json::parse(refused->body)["errorCode"] == "RATE_LIMITED");
}

TEST_CASE("sandbox rate limits http: GET /rateLimits pages the sets at 2025-03-12 only") {
  auto clock = std::make_shared<FakeClock>();
  Running server(org_state(), limited(clock));
  DigestClient digest(server, "zmmrboas", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  auto all = digest.send("GET", std::string("/api/atlas/v2/rateLimits?orgId=") + org, rate_headers());
  REQUIRE(all);
  CHECK(all->status == 200);
  CHECK(all->get_header_value("Content-Type") == rate_type);
  const json listing = json::parse(all->body);
  CHECK(listing["totalCount"] == 2);
  REQUIRE(listing["results"].size() == 2);
  CHECK(listing["results"][0]["endpointSetId"] == "orgKeyReads");
  CHECK(listing["results"][1]["scope"] == "GROUP");
  CHECK(listing["results"][1]["capacity"] == json{{"value", 5}, {"defaultValue", 10}});
  CHECK(listing["results"][1]["endpoints"][0]["path"] ==
        "/api/atlas/v2/groups/{groupId}/apiKeys/{apiUserId}");

  auto second = digest.send("GET", "/api/atlas/v2/rateLimits?itemsPerPage=1&pageNum=2",
                            rate_headers());
  const json page = json::parse(second->body);
  REQUIRE(page["results"].size() == 1);
  CHECK(page["results"][0]["endpointSetId"] == "projectWrites");
  CHECK(page["totalCount"] == 2);
  CHECK(json::parse(digest.send("GET", "/api/atlas/v2/rateLimits?itemsPerPage=1&pageNum=3",
                                rate_headers())->body)["results"].empty());

  auto one = digest.send("GET", "/api/atlas/v2/rateLimits/projectWrites?groupId=6523b7e0c1b52d0f1a2b3c4d",
                         rate_headers());
  CHECK(one->status == 200);
  CHECK(json::parse(one->body)["endpointSetName"] == "Project writes");
  auto unknown = digest.send("GET", "/api/atlas/v2/rateLimits/nope", rate_headers());
  CHECK(unknown->status == 404);
  CHECK(json::parse(unknown->body)["errorCode"] == "RESOURCE_NOT_FOUND");

  for (const char* accept : {"application/vnd.atlas.2023-01-01+json", "application/json", ""}) {
    INFO(accept);
    auto refused = digest.send("GET", "/api/atlas/v2/rateLimits", {{"Accept", accept}});
    CHECK(refused->status == 406);
    CHECK(digest.send("GET", "/api/atlas/v2/rateLimits/orgKeyReads", {{"Accept", accept}})->status ==
          406);
  }
  CHECK(digest.send("GET", "/api/atlas/v2/rateLimits?page=2", rate_headers())->status == 400);
  CHECK(digest.send("GET", "/api/atlas/v2/rateLimits?itemsPerPage=501", rate_headers())->status ==
        400);
  CHECK(digest.send("POST", "/api/atlas/v2/rateLimits", rate_headers())->status == 405);
  // Only atlas-v2 has the resource.
  CHECK(digest.send("GET", "/api/atlas/v1.0/rateLimits", {{"Accept", "application/json"}})->status ==
        404);
  // As any API call, it needs credentials.
  auto anonymous = server.client().Get("/api/atlas/v2/rateLimits", rate_headers());
  CHECK(anonymous->status == 401);
}

TEST_CASE("sandbox rate limits http: without --rate-limits nothing is metered, /rateLimits is empty") {
  Running server(org_state());
  DigestClient digest(server, "zmmrboas", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  auto listing = digest.send("GET", "/api/atlas/v2/rateLimits", rate_headers());
  REQUIRE(listing);
  CHECK(listing->status == 200);
  CHECK(json::parse(listing->body) ==
        json{{"results", json::array()},
             {"totalCount", 0},
             {"links", {{{"rel", "self"},
                         {"href", fmt::format("http://127.0.0.1:{}/api/atlas/v2/rateLimits",
                                              server.port)}}}}});
  for (int i = 0; i < 20; ++i) {
    auto ok = digest.send("GET", keys_path(), v2_headers());
    CHECK(ok->status == 200);
    CHECK_FALSE(ok->has_header("RateLimit-Limit"));
  }
}

TEST_CASE("sandbox rate limits http: --rate-limits-unlisted hides /rateLimits (404) but still meters") {
  auto clock = std::make_shared<FakeClock>();
  SandboxOptions options = limited(clock, false);
  options.rate_limits_listed = false;
  Running server(org_state(), options);
  DigestClient digest(server, "zmmrboas", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
  for (const char* path : {"/api/atlas/v2/rateLimits?orgId=5a0a1e7e0f2912c554080adc",
                           "/api/atlas/v2/rateLimits/orgKeyReads"}) {
    auto hidden = digest.send("GET", path, rate_headers());
    REQUIRE(hidden);
    CHECK(hidden->status == 404);
    CHECK(json::parse(hidden->body)["errorCode"] == "RESOURCE_NOT_FOUND");
  }
  for (int i = 0; i < 3; ++i) CHECK(digest.send("GET", keys_path(), v2_headers())->status == 200);
  auto refused = digest.send("GET", keys_path(), v2_headers());
  CHECK(refused->status == 429);
  CHECK_FALSE(refused->has_header("Retry-After"));
  CHECK(requests(server).back()["rate_limited_by"] == "orgKeyReads");
}

}  // namespace keyform_test_sandbox_rate_limits_http
