#include "api/rate_limits.h"

#include <doctest/doctest.h>

namespace keyform_test_rate_limits {

using namespace keyform;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kProd = "6523b7e0c1b52d0f1a2b3c4d";

std::string page_of(const std::string& sets, const std::string& total = "") {
  return R"({"results": [)" + sets + "]" + (total.empty() ? "" : R"(, "totalCount": )" + total) + "}";
}

const std::string kWriteSet = R"({"endpointSetId": "apiKeysWrite_org", "endpointSetName": "API key writes",
  "scope": "ORGANIZATION", "endpoints": [{"method": "POST", "path": "/api/atlas/v2/orgs/{orgId}/apiKeys"},
  {"method": "DELETE", "path": "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}"}],
  "capacity": {"value": 50, "defaultValue": 100}, "refillRate": {"value": 20}, "refillDurationSeconds": {"value": 2}})";

}  // namespace

TEST_CASE("rate limits: a path fits a template segment by segment, query ignored") {
  CHECK(path_matches("/api/atlas/v2/orgs/{orgId}/apiKeys", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys?pageNum=2"));
  CHECK_FALSE(path_matches("/api/atlas/v2/orgs/{orgId}/apiKeys", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/x"));
  CHECK_FALSE(path_matches("/api/atlas/v2/orgs/{orgId}/apiKeys/{id}", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys"));
  CHECK_FALSE(path_matches("/api/atlas/v2/orgs/{orgId}/groups", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys"));
  // A parameter with literal text beside it in one segment (":invite"), and never an empty one.
  CHECK(path_matches("/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite",
                     "/api/atlas/v2/groups/" + kProd + "/serviceAccounts/mdb_sa_id_65f0c0ffee000000000000a1:invite"));
  CHECK_FALSE(path_matches("/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite",
                           "/api/atlas/v2/groups/" + kProd + "/serviceAccounts/mdb_sa_id_65f0c0ffee000000000000a1"));
  CHECK_FALSE(path_matches("/a/{x}", "/a/"));
}

TEST_CASE("rate limits: each scope keys its bucket by the org, the project, or one principal") {
  const std::string assign = "/api/atlas/v2/groups/" + kProd + "/apiKeys/65f0c0ffee00000000000002";
  CHECK(scope_value(LimitScope::group, assign, kOrg) == kProd);
  CHECK(scope_value(LimitScope::organization, assign, kOrg) == kOrg);  // no org in the path: keyform's
  CHECK(scope_value(LimitScope::organization, "/api/atlas/v2/orgs/other/apiKeys", kOrg) == "other");
  CHECK(scope_value(LimitScope::group, "/api/atlas/v2/orgs/" + kOrg + "/apiKeys", kOrg) == std::nullopt);
  CHECK(scope_value(LimitScope::user, assign, kOrg) == "");
  CHECK(scope_value(LimitScope::ip, assign, kOrg) == "");
}

TEST_CASE("rate limits: a page of GET /rateLimits is read strictly") {
  const Page<EndpointSet> page = parse_rate_limits_page(page_of(kWriteSet, "1"));
  REQUIRE(page.items.size() == 1);
  const EndpointSet& set = page.items[0];
  CHECK(set.id == "apiKeysWrite_org");
  CHECK(set.name == "API key writes");
  CHECK(set.scope == LimitScope::organization);
  CHECK(set.capacity == 50);  // the value in force, not the default it overrides
  CHECK(set.refill_per_second == 10);
  REQUIRE(set.endpoints.size() == 2);
  CHECK(set.endpoints[1].method == "DELETE");
  CHECK(page.total_count == 1);
  CHECK(set_for(page.items, "DELETE", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/65f0c0ffee00000000000002") == &set);
  CHECK(set_for(page.items, "GET", "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/65f0c0ffee00000000000002") == nullptr);

  auto with = [&](const std::string& from, const std::string& to) {
    std::string text = kWriteSet;
    REQUIRE(text.find(from) != std::string::npos);
    return page_of(text.replace(text.find(from), from.size(), to));
  };
  CHECK_THROWS_AS(parse_rate_limits_page(with("\"ORGANIZATION\"", "\"PLANET\"")), ResponseError);
  CHECK_THROWS_AS(parse_rate_limits_page(with("{\"value\": 20}", "{\"value\": 0}")), ResponseError);
  CHECK_THROWS_AS(parse_rate_limits_page(with("\"capacity\"", "\"kapacity\"")), ResponseError);
  CHECK_THROWS_AS(parse_rate_limits_page(with("{\"value\": 2}", "{\"value\": \"2\"}")), ResponseError);
  CHECK_THROWS_AS(parse_rate_limits_page(R"({"results": [{"endpointSetId": "x", "scope": "IP", "endpoints": []}]})"),
                  ResponseError);
  CHECK_THROWS_AS(parse_rate_limits_page("[]"), ResponseError);
}

TEST_CASE("rate limits: a learnt limit is per path template, ids and addresses left out") {
  CHECK(path_template_of("/api/atlas/v2/groups/" + kProd + "/apiKeys/65f0c0ffee00000000000002") ==
        "/api/atlas/v2/groups/{}/apiKeys/{}");
  CHECK(path_template_of("/api/public/v1.0/orgs/" + kOrg + "/apiKeys/65f0c0ffee00000000000002/accessList/"
                         "203.0.113.0%2F24?pageNum=1") == "/api/public/v1.0/orgs/{}/apiKeys/{}/accessList/{}");
}

// The reasons reach stderr in a warning: a scope or set id from the API may not carry a terminal escape.
TEST_CASE("rate limits: what a refused page names from the API is escaped") {
  auto reason = [](const std::string& body) {
    try {
      parse_rate_limits_page(body);
    } catch (const ResponseError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  const std::string scope = reason(page_of(R"({"endpointSetId": "w", "scope": "ORG\u001b[2J", "endpoints": []})"));
  CHECK(scope.find('\x1b') == std::string::npos);
  CHECK(scope.find("ORG\\x1b[2J") != std::string::npos);
  const std::string id = reason(page_of(R"({"endpointSetId": "w\u001b]0;x\u0007", "scope": "IP", "endpoints": []})"));
  CHECK(id.find('\x1b') == std::string::npos);
  CHECK(id.find('\x07') == std::string::npos);
  CHECK(id.find("has no \"endpoints\"") != std::string::npos);
}

}  // namespace keyform_test_rate_limits
