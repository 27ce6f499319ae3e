// PATCH /orgs/{O}/apiKeys/{K} without HTTP: description and org roles, in every family.
#include "sandbox/family.h"
#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"
#include "sandbox/routes.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace keyform_test_sandbox_key_update {

using namespace keyform::sandbox;
using nlohmann::json;

namespace {

constexpr const char* key_b = "65f0c0ffee0000000000000b";

OrgState org_state() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c4d", "name": "payments-prod"}],
    "keys": [
      {"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas", "private_key": "0f1e2d3c-4b5a-6978",
       "org_roles": ["ORG_OWNER"]},
      {"id": "65f0c0ffee0000000000000b", "public_key": "abcdefgh", "private_key": "11111111-2222-3333",
       "desc": "old", "org_roles": ["ORG_MEMBER", "ORG_BILLING_ADMIN"],
       "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_OWNER"]}}
    ]
  })");
}

Reply patch(OrgState& state, const Family& family, const std::string& body,
            const std::string& caller = "zmmrboas", const char* key = key_b) {
  try {
    Route route = match_route(family, "PATCH",
                              std::string("/orgs/5a0a1e7e0f2912c554080adc/apiKeys/") + key);
    Query query = parse_query({}, family, route.operation);
    Principal principal{Principal::Kind::api_key, caller};
    return execute(state, Call{family, route, query, body, "http://sandbox/self", principal});
  } catch (const ApiError& error) {
    return error_reply(error);
  }
}

std::string error_code(const Reply& reply) {
  return reply.body ? reply.body->value("errorCode", "") : "";
}

}  // namespace

TEST_CASE("sandbox key update: desc and org roles, answered with the key, in every family") {
  for (const Family& family : families()) {
    CAPTURE(family.name);
    OrgState state = org_state();
    Reply both = patch(state, family, R"({"desc": "CI deployer - payments", "roles": ["ORG_READ_ONLY"]})");
    REQUIRE(both.status == 200);
    CHECK(both.content_type == std::string(family.media_type));
    CHECK(both.body->at("desc") == "CI deployer - payments");
    // The org roles are replaced; the project role stays.
    CHECK(both.body->at("roles") == json::parse(R"([
      {"orgId": "5a0a1e7e0f2912c554080adc", "roleName": "ORG_READ_ONLY"},
      {"groupId": "6523b7e0c1b52d0f1a2b3c4d", "roleName": "GROUP_OWNER"}])"));
    CHECK(both.body->at("privateKey") == "********-****-****-11-2222-3333");  // masked, as GET shows it

    Reply desc_only = patch(state, family, R"({"desc": "only the description"})");
    CHECK(desc_only.status == 200);
    CHECK(state.find_key(key_b)->org_roles == std::vector<std::string>{"ORG_READ_ONLY"});
    CHECK(state.find_key(key_b)->desc == "only the description");

    Reply roles_only = patch(state, family, R"({"roles": ["ORG_OWNER", "ORG_MEMBER", "ORG_OWNER"]})");
    CHECK(roles_only.status == 200);
    CHECK(state.find_key(key_b)->org_roles == std::vector<std::string>{"ORG_OWNER", "ORG_MEMBER"});
    CHECK(state.find_key(key_b)->desc == "only the description");
  }
}

TEST_CASE("sandbox key update: every documented org role is accepted, others are not") {
  OrgState state = org_state();
  for (const char* role : {"ORG_OWNER", "ORG_MEMBER", "ORG_GROUP_CREATOR", "ORG_BILLING_ADMIN",
                           "ORG_BILLING_READ_ONLY", "ORG_STREAM_PROCESSING_ADMIN", "ORG_READ_ONLY"}) {
    CAPTURE(role);
    CHECK(patch(state, families()[0], json{{"roles", {role}}}.dump()).status == 200);
  }
  for (const char* role : {"ORG_READ_ONYL", "GROUP_OWNER", "org_owner", "ORG_OWNER "}) {
    CAPTURE(role);
    Reply reply = patch(state, families()[0], json{{"roles", {"ORG_MEMBER", role}}}.dump());
    CHECK(reply.status == 400);
    CHECK(error_code(reply) == "INVALID_ENUM_VALUE");
    CHECK(reply.body->at("parameters") == json::array({role}));
  }
  CHECK(state.find_key(key_b)->org_roles == std::vector<std::string>{"ORG_READ_ONLY"});
}

TEST_CASE("sandbox key update: bad bodies change nothing") {
  OrgState state = org_state();
  const std::string long_desc(251, 'x');
  std::string unicode_desc;
  for (int i = 0; i < 250; ++i) unicode_desc += "\xc3\xa9";  // 250 characters, 500 bytes
  struct Case {
    std::string body;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"{}", "MISSING_ATTRIBUTE"},
      {R"({"roles": []})", "MISSING_ATTRIBUTE"},
      {R"({"roles": "ORG_OWNER"})", "INVALID_JSON_ATTRIBUTE"},
      {R"({"roles": [1]})", "INVALID_JSON_ATTRIBUTE"},
      {R"({"roles": null})", "INVALID_JSON_ATTRIBUTE"},
      {R"({"desc": ""})", "INVALID_JSON_ATTRIBUTE"},
      {R"({"desc": 5})", "INVALID_JSON_ATTRIBUTE"},
      {json{{"desc", long_desc}}.dump(), "INVALID_JSON_ATTRIBUTE"},
      {R"({"desc": "x", "publicKey": "zzzzzzzz"})", "INVALID_JSON_ATTRIBUTE"},
      {R"([{"desc": "x"}])", "INVALID_JSON"},
      {"not json", "INVALID_JSON"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.body);
    Reply reply = patch(state, families()[0], c.body);
    CHECK(reply.status == 400);
    CHECK(error_code(reply) == std::string(c.code));
  }
  CHECK(state.find_key(key_b)->desc == "old");
  CHECK(state.find_key(key_b)->org_roles == std::vector<std::string>{"ORG_MEMBER", "ORG_BILLING_ADMIN"});
  // The limit counts characters, not bytes.
  CHECK(patch(state, families()[0], json{{"desc", unicode_desc}}.dump()).status == 200);
}

TEST_CASE("sandbox key update: needs ORG_OWNER, and the key must exist") {
  OrgState state = org_state();
  Reply denied = patch(state, families()[0], R"({"desc": "mine now"})", "abcdefgh");
  CHECK(denied.status == 403);
  CHECK(error_code(denied) == "USER_UNAUTHORIZED");
  CHECK(denied.body->at("detail") ==
        "API key abcdefgh lacks the Organization Owner role (ORG_OWNER), needed to update an API key.");
  CHECK(state.find_key(key_b)->desc == "old");
  CHECK(error_code(patch(state, families()[0], R"({"desc": "x"})", "zmmrboas",
                         "65f0c0ffee00000000000fff")) == "API_KEY_NOT_FOUND");
}

}  // namespace keyform_test_sandbox_key_update
