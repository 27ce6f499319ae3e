// The --rate-limits file (parsing, errors naming the entry), path templates, scope keys and the
// limiter's buckets per (set, scope value), with time moved by hand. Over HTTP:
// sandbox_rate_limits_http_test.cpp.
#include "sandbox/rate_limits.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace keyform_test_sandbox_rate_limits {

using namespace keyform::sandbox;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr const char* org = "5a0a1e7e0f2912c554080adc";
constexpr const char* other_org = "5a0a1e7e0f2912c554080add";
constexpr const char* prod = "6523b7e0c1b52d0f1a2b3c4d";
constexpr const char* dev = "6523b7e0c1b52d0f1a2b3c4e";
constexpr const char* key = "65f0c0ffee0000000000000a";

json set_json(const std::string& id, const std::string& scope, json endpoints, int capacity = 2) {
  return {{"endpointSetId", id},
          {"endpointSetName", id + " name"},
          {"scope", scope},
          {"endpoints", std::move(endpoints)},
          {"capacity", {{"value", capacity}}},
          {"refillRate", {{"value", 1}}},
          {"refillDurationSeconds", {{"value", 1}}}};
}

json endpoint(const std::string& method, const std::string& path) {
  return {{"method", method}, {"path", path}};
}

std::string error_of(const json& doc) {
  try {
    parse_rate_limits(doc.dump());
  } catch (const RateLimitsError& error) {
    return error.what();
  }
  return "";
}

std::string v2(const std::string& rest) { return "/api/atlas/v2" + rest; }

json valid_set() {
  return set_json("orgWrites", "ORGANIZATION",
                  {endpoint("POST", "/api/atlas/v2/orgs/{orgId}/apiKeys")});
}

// A clock the test moves by hand.
struct FakeClock {
  RateLimiter::Clock::time_point now{};
  std::function<RateLimiter::Clock::time_point()> function() {
    return [this] { return now; };
  }
};

const Caller caller{"zmmrboas", "127.0.0.1", org};

}  // namespace

TEST_CASE("sandbox rate limits: a valid file, and its sets answered as the API shapes them") {
  json doc = json::array({valid_set()});
  doc[0]["capacity"]["defaultValue"] = 100;
  doc[0]["refillRate"]["defaultValue"] = nullptr;
  const auto sets = parse_rate_limits(doc.dump());
  REQUIRE(sets.size() == 1);
  CHECK(sets[0].id == "orgWrites");
  CHECK(sets[0].name == "orgWrites name");
  CHECK(sets[0].scope == RateLimitScope::organization);
  CHECK(sets[0].capacity.value == 2);
  CHECK(sets[0].capacity.default_value == 100);
  CHECK_FALSE(sets[0].refill_rate.default_value.has_value());
  const json answered = endpoint_set_json(sets[0]);
  doc[0]["refillRate"].erase("defaultValue");  // null is the same as absent
  CHECK(answered == doc[0]);
  CHECK(parse_rate_limits("[]").empty());
  for (const char* scope : {"ORGANIZATION", "GROUP", "USER", "IP"}) {
    json one = valid_set();
    one["scope"] = scope;
    CHECK(scope_name(parse_rate_limits(json::array({one}).dump())[0].scope) == scope);
  }
}

TEST_CASE("sandbox rate limits: the example file parses") {
  const auto source = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
  std::ifstream in(source / "examples" / "rate-limits.json");
  REQUIRE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto sets = parse_rate_limits(text);
  REQUIRE(sets.size() == 2);
  CHECK(sets[0].scope == RateLimitScope::organization);
  CHECK(sets[0].limits().capacity == 50);
  CHECK(sets[0].limits().refill_rate == 20);
  CHECK(sets[1].scope == RateLimitScope::group);
  CHECK(sets[1].limits().capacity == 5);
}

TEST_CASE("sandbox rate limits: a bad file is refused naming the entry and the field") {
  auto with = [](const std::string& field, json value) {
    json set = valid_set();
    if (value.is_discarded()) {
      set.erase(field);
    } else {
      set[field] = std::move(value);
    }
    return json::array({set});
  };
  const json missing = json(json::value_t::discarded);
  const std::vector<std::pair<json, std::string>> cases = {
      {json::object(), "expected a JSON array"},
      {json::array({1}), "entry 1: expected an object"},
      {with("scope", "ORG"), "entry 1 (\"orgWrites\"): scope: \"ORG\" is not one of"},
      {with("endpointSetId", missing), "entry 1: endpointSetId: missing"},
      {with("endpointSetId", ""), "endpointSetId: expected a non-empty string"},
      {with("endpointSetName", 7), "endpointSetName: expected a non-empty string"},
      {with("capacity", {{"value", 0}}), "capacity.value: expected a positive integer, got 0"},
      {with("capacity", 5), "capacity: expected an object"},
      {with("refillRate", {{"value", 1.5}}), "refillRate.value: expected a positive integer"},
      {with("refillDurationSeconds", {{"value", -1}}), "refillDurationSeconds.value"},
      {with("refillRate", {{"value", 1}, {"default", 2}}), "refillRate.default: unknown field"},
      {with("capacity", {{"value", 1}, {"defaultValue", 0}}), "capacity.defaultValue"},
      {with("capcity", 5), "capcity: unknown field"},
      {with("endpoints", json::array()), "endpoints: expected an array of 1 to 100"},
      {with("endpoints", {endpoint("HEAD", v2("/orgs/{orgId}/apiKeys"))}),
       "endpoints[0].method: \"HEAD\" is not one of"},
      {with("endpoints", {endpoint("POST", "/orgs/{orgId}/apiKeys")}),
       "endpoints[0].path: \"/orgs/{orgId}/apiKeys\" is not under"},
      {with("endpoints", {endpoint("GET", v2("/orgs")), endpoint("POST", v2("/orgs/{}/apiKeys"))}),
       "endpoints[1].path"},
      {with("endpoints", {endpoint("POST", v2("/orgs/{orgId/apiKeys"))}), "malformed {name}"},
      {with("endpoints", {endpoint("POST", v2("/orgs//apiKeys"))}), "empty segment"},
      {with("endpoints", {endpoint("POST", v2("/orgs/{a}{b}"))}), "malformed {name}"},
      {with("endpoints", {{{"method", "POST"}}}), "endpoints[0].path: missing"},
      {json::array({valid_set(), valid_set()}), "entry 2 (\"orgWrites\"): endpointSetId: used by"},
  };
  for (const auto& [doc, reason] : cases) {
    INFO(doc.dump());
    const std::string message = error_of(doc);
    CHECK(message.starts_with("rate limits"));
    CHECK(message.find(reason) != std::string::npos);
  }
  CHECK(std::string(error_of(json::array({with("scope", "ORG")[0], valid_set()})))
            .find("entry 1") != std::string::npos);
  try {
    parse_rate_limits("[{");
    FAIL("not JSON was accepted");
  } catch (const RateLimitsError& error) {
    CHECK(std::string(error.what()) == "rate limits: not valid JSON");
  }
  CHECK_THROWS_WITH_AS(load_rate_limits("/nonexistent/limits.json"),
                       "/nonexistent/limits.json: cannot read the rate limits file",
                       RateLimitsError);
}

TEST_CASE("sandbox rate limits: templates match one segment per {name}") {
  const std::string keys = "/api/atlas/v2/orgs/{orgId}/apiKeys/{apiUserId}";
  CHECK(matches_template(keys, v2(std::string("/orgs/") + org + "/apiKeys/" + key)));
  CHECK_FALSE(matches_template(keys, v2(std::string("/orgs/") + org + "/apiKeys")));
  CHECK_FALSE(matches_template(keys, v2(std::string("/orgs/") + org + "/apiKeys/")));
  CHECK_FALSE(matches_template(keys, v2(std::string("/orgs/") + org + "/apiKeys/" + key + "/x")));
  CHECK_FALSE(matches_template(keys, "/api/atlas/v1.0/orgs/o/apiKeys/k"));
  CHECK(matches_template("/api/atlas/v1.0/orgs/{orgId}/apiKeys/{id}",
                         "/api/atlas/v1.0/orgs/o/apiKeys/k"));
  CHECK(matches_template("/api/public/v1.0/groups/{g}/apiKeys/{k}",
                         "/api/public/v1.0/groups/g/apiKeys/k"));
  // An encoded entry is one segment; a raw "/" in it would be two.
  const std::string entry = "/api/atlas/v2/orgs/{o}/apiKeys/{k}/accessList/{ipAddress}";
  CHECK(matches_template(entry, "/api/atlas/v2/orgs/o/apiKeys/k/accessList/192.0.2.0%2F24"));
  CHECK_FALSE(matches_template(entry, "/api/atlas/v2/orgs/o/apiKeys/k/accessList/192.0.2.0/24"));
  const std::string invite = "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite";
  CHECK(matches_template(invite, "/api/atlas/v2/groups/g/serviceAccounts/mdb_sa_id_1:invite"));
  CHECK_FALSE(matches_template(invite, "/api/atlas/v2/groups/g/serviceAccounts/mdb_sa_id_1"));
  CHECK_FALSE(matches_template(invite, "/api/atlas/v2/groups/g/serviceAccounts/:invite"));
  CHECK_FALSE(matches_template("/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}",
                               "/api/atlas/v2/groups/g/serviceAccounts/"));
}

TEST_CASE("sandbox rate limits: scope keys") {
  auto set_of = [](const char* scope) {
    return parse_rate_limits(
        json::array({set_json("s", scope, {endpoint("GET", v2("/groups/{g}/apiKeys"))})}).dump())[0];
  };
  const std::string in_org = v2(std::string("/orgs/") + other_org + "/apiKeys");
  const std::string in_project = v2(std::string("/groups/") + prod + "/apiKeys/" + key);
  CHECK(scope_key(set_of("ORGANIZATION"), in_org, caller) == other_org);
  CHECK(scope_key(set_of("ORGANIZATION"), in_project, caller) == org);  // the fixture's org
  CHECK(scope_key(set_of("GROUP"), in_project, caller) == prod);
  CHECK(scope_key(set_of("USER"), in_project, caller) == "zmmrboas");
  CHECK(scope_key(set_of("IP"), in_project, caller) == "127.0.0.1");
}

TEST_CASE("sandbox rate limits: one bucket per set and scope value; the first matching set meters") {
  const json doc = json::array(
      {set_json("assign", "GROUP", {endpoint("POST", v2("/groups/{groupId}/apiKeys/{id}"))}, 2),
       set_json("anyGroupWrite", "GROUP", {endpoint("POST", v2("/groups/{groupId}/apiKeys/{id}")),
                                           endpoint("DELETE", v2("/groups/{groupId}/apiKeys/{id}"))},
                1)});
  FakeClock clock;
  RateLimiter limiter(parse_rate_limits(doc.dump()), clock.function());
  const std::string prod_key = v2(std::string("/groups/") + prod + "/apiKeys/" + key);
  const std::string dev_key = v2(std::string("/groups/") + dev + "/apiKeys/" + key);

  CHECK_FALSE(limiter.admit("GET", prod_key, caller).has_value());  // no set meters GET
  auto first = limiter.admit("POST", prod_key, caller);
  REQUIRE(first);
  CHECK(first->set_id == "assign");
  CHECK(first->limit == 2);
  CHECK(first->verdict.remaining == 1);
  CHECK(limiter.admit("POST", prod_key, caller)->verdict.allowed);
  const auto refused = limiter.admit("POST", prod_key, caller);
  CHECK_FALSE(refused->verdict.allowed);
  CHECK(refused->verdict.retry_after == 1);
  CHECK(limiter.admit("POST", dev_key, caller)->verdict.allowed);  // another project's bucket
  // DELETE belongs to the second set only, with buckets of its own.
  const auto deleted = limiter.admit("DELETE", prod_key, caller);
  CHECK(deleted->set_id == "anyGroupWrite");
  CHECK(deleted->verdict.allowed);
  CHECK_FALSE(limiter.admit("DELETE", prod_key, caller)->verdict.allowed);

  clock.now += 1s;
  const auto refilled = limiter.admit("POST", prod_key, caller);
  CHECK(refilled->verdict.allowed);
  CHECK(refilled->verdict.remaining == 0);
}

TEST_CASE("sandbox rate limits: USER and IP buckets follow the caller") {
  const json doc = json::array(
      {set_json("perUser", "USER", {endpoint("GET", v2("/orgs/{orgId}/apiKeys"))}, 1),
       set_json("perAddress", "IP", {endpoint("GET", v2("/orgs/{orgId}/groups"))}, 1)});
  FakeClock clock;
  RateLimiter limiter(parse_rate_limits(doc.dump()), clock.function());
  const std::string keys = v2(std::string("/orgs/") + org + "/apiKeys");
  const std::string groups = v2(std::string("/orgs/") + org + "/groups");
  const Caller other_user{"abcdefgh", "127.0.0.1", org};
  const Caller other_address{"zmmrboas", "127.0.0.2", org};
  CHECK(limiter.admit("GET", keys, caller)->verdict.allowed);
  CHECK_FALSE(limiter.admit("GET", keys, caller)->verdict.allowed);
  CHECK_FALSE(limiter.admit("GET", keys, other_address)->verdict.allowed);  // same user
  CHECK(limiter.admit("GET", keys, other_user)->verdict.allowed);
  CHECK(limiter.admit("GET", groups, caller)->verdict.allowed);
  CHECK_FALSE(limiter.admit("GET", groups, other_user)->verdict.allowed);  // same address
  CHECK(limiter.admit("GET", groups, other_address)->verdict.allowed);
}

}  // namespace keyform_test_sandbox_rate_limits
