// The Admin API semantics without HTTP: routing, query parameters, media types, operations on the
// org state (pagination, assignment, cascade) and the envelope.
#include "sandbox/family.h"
#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"
#include "sandbox/routes.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace keyform_test_sandbox_api {

using namespace keyform::sandbox;
using nlohmann::json;

namespace {

constexpr const char* org = "5a0a1e7e0f2912c554080adc";
constexpr const char* prod = "6523b7e0c1b52d0f1a2b3c4d";
constexpr const char* dev = "6523b7e0c1b52d0f1a2b3c4e";
constexpr const char* key_a = "65f0c0ffee0000000000000a";
constexpr const char* key_b = "65f0c0ffee0000000000000b";

const Family& v2 = families()[0];
const Family& v1 = families()[1];
const Family& public_v1 = families()[2];

OrgState org_state() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c4d", "name": "payments-prod"},
                 {"id": "6523b7e0c1b52d0f1a2b3c4e", "name": "payments-dev"}],
    "keys": [
      {"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas", "private_key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
       "desc": "CI deployer", "org_roles": ["ORG_OWNER"], "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_READ_ONLY"]}},
      {"id": "65f0c0ffee0000000000000b", "public_key": "abcdefgh", "private_key": "11111111-2222-3333-4444-555555555555",
       "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_OWNER"], "6523b7e0c1b52d0f1a2b3c4e": ["GROUP_READ_ONLY"]}},
      {"id": "65f0c0ffee0000000000000c", "public_key": "qrstuvwx", "private_key": "99999999-8888-7777-6666-555544443333"}
    ]
  })");
}

// Runs METHOD PATH (relative to the family's base) against `state` as zmmrboas (ORG_OWNER, so
// every write is allowed); ApiErrors become replies.
Reply call(OrgState& state, const Family& family, const std::string& method,
           const std::string& path, const QueryParams& params = {}, const std::string& body = "") {
  try {
    Route route = match_route(family, method, path);
    Query query = parse_query(params, family, route.operation);
    Principal principal{Principal::Kind::api_key, "zmmrboas"};
    return execute(state, Call{family, route, query, body, "http://sandbox/self", principal});
  } catch (const ApiError& error) {
    return error_reply(error);
  }
}

std::string error_code(const Reply& reply) {
  return reply.body ? reply.body->value("errorCode", "") : "";
}

std::string keys_path() { return std::string("/orgs/") + org + "/apiKeys"; }
std::string key_path(const char* key) { return keys_path() + "/" + key; }
std::string assignment(const char* project, const char* key) {
  return std::string("/groups/") + project + "/apiKeys/" + key;
}

}  // namespace

TEST_CASE("sandbox api: routes per family") {
  CHECK(match_route(v2, "GET", keys_path()).operation == Operation::list_org_keys);
  CHECK(match_route(v2, "POST", assignment(prod, key_a)).operation == Operation::assign_key);
  CHECK(match_route(v2, "PATCH", assignment(prod, key_a)).operation == Operation::update_key_roles);
  CHECK(match_route(v1, "PATCH", assignment(prod, key_a)).operation == Operation::set_key_roles);
  CHECK(match_route(public_v1, "DELETE", assignment(prod, key_a)).operation ==
        Operation::unassign_key);

  OrgState state = org_state();
  Reply post_on_v1 =
      call(state, v1, "POST", assignment(prod, key_a), {}, R"([{"roles":["GROUP_OWNER"]}])");
  CHECK(post_on_v1.status == 405);
  CHECK(error_code(post_on_v1) == "METHOD_NOT_ALLOWED");
  CHECK(post_on_v1.headers == Headers{{"Allow", "PATCH, DELETE"}});
  CHECK(error_code(call(state, v2, "GET", keys_path() + "/")) == "RESOURCE_NOT_FOUND");
  CHECK(error_code(call(state, v2, "GET", "/orgs/" + std::string(org) + "/apiKey")) ==
        "RESOURCE_NOT_FOUND");
  Reply bad_id = call(state, v2, "GET", "/orgs/5A0A1E7E0F2912C554080ADC/apiKeys");
  CHECK(bad_id.status == 400);
  CHECK(error_code(bad_id) == "INVALID_ATTRIBUTE");
  CHECK(error_code(call(state, v2, "GET", "/orgs/5a0a1e7e0f2912c554080add/apiKeys")) ==
        "ORG_NOT_FOUND");
}

TEST_CASE("sandbox api: query parameters are validated against the family") {
  CHECK(parse_query({{"itemsPerPage", "500"}}, v2, Operation::list_org_keys).page.items_per_page ==
        500);
  CHECK_THROWS_AS(parse_query({{"itemsPerPage", "101"}}, v1, Operation::list_org_keys), ApiError);
  CHECK(parse_query({{"itemsPerPage", "500"}}, public_v1, Operation::list_org_keys)
            .page.items_per_page == 500);
  CHECK_THROWS_AS(parse_query({{"itemsPerPage", "501"}}, public_v1, Operation::list_org_keys),
                  ApiError);
  CHECK_THROWS_AS(parse_query({{"pageNum", "0"}}, v2, Operation::list_org_keys), ApiError);
  CHECK_THROWS_AS(parse_query({{"pageNum", "1x"}}, v2, Operation::list_org_keys), ApiError);
  CHECK_THROWS_AS(parse_query({{"page", "2"}}, v2, Operation::list_org_keys), ApiError);
  CHECK_THROWS_AS(parse_query({{"pageNum", "1"}, {"pageNum", "2"}}, v2, Operation::list_org_keys),
                  ApiError);
  CHECK_THROWS_AS(parse_query({{"includeCount", "yes"}}, v2, Operation::list_org_keys), ApiError);
  CHECK_THROWS_AS(parse_query({{"name", "payments-prod"}}, v2, Operation::list_org_keys), ApiError);
  CHECK(parse_query({{"name", "payments-prod"}}, v2, Operation::list_org_projects).name ==
        "payments-prod");
  CHECK_FALSE(parse_query({{"includeCount", "false"}, {"envelope", "true"}, {"pretty", "false"}},
                          v2, Operation::list_org_keys)
                  .page.include_count);
}

TEST_CASE("sandbox api: media types") {
  const std::string v2_type = "application/vnd.atlas.2023-01-01+json";
  CHECK_NOTHROW(check_media_types(v2, v2_type, "", false));
  CHECK_NOTHROW(check_media_types(v2, "application/vnd.atlas.2025-03-12+json",
                                  v2_type + "; charset=utf-8", true));
  for (const char* bad : {"", "*/*", "application/json", "application/vnd.atlas.2023-01-02+json"}) {
    try {
      check_media_types(v2, bad, "", false);
      FAIL("accepted Accept: " << bad);
    } catch (const ApiError& error) {
      CHECK(error.status == 406);
    }
  }
  try {
    check_media_types(v2, v2_type, "application/json", true);
    FAIL("accepted a JSON body on v2");
  } catch (const ApiError& error) {
    CHECK(error.status == 415);
  }
  CHECK_NOTHROW(check_media_types(v1, "", "", false));
  CHECK_NOTHROW(check_media_types(v1, "*/*", "application/json", true));
  CHECK_THROWS_AS(check_media_types(v1, v2_type, "", false), ApiError);
  CHECK_THROWS_AS(check_media_types(public_v1, "application/json", v2_type, true), ApiError);
}

TEST_CASE("sandbox api: listing keys, with pages and masked private keys") {
  OrgState state = org_state();
  Reply all = call(state, v2, "GET", keys_path());
  REQUIRE(all.status == 200);
  CHECK(all.content_type == "application/vnd.atlas.2023-01-01+json");
  const json& body = *all.body;
  CHECK(body["totalCount"] == 3);
  CHECK(body["links"] == json::parse(R"([{"rel": "self", "href": "http://sandbox/self"}])"));
  CHECK(body["results"][0] == json::parse(R"({
    "id": "65f0c0ffee0000000000000a", "publicKey": "zmmrboas", "desc": "CI deployer",
    "privateKey": "********-****-****-a5b4c3d2e1f0", "links": [],
    "roles": [{"orgId": "5a0a1e7e0f2912c554080adc", "roleName": "ORG_OWNER"},
              {"groupId": "6523b7e0c1b52d0f1a2b3c4d", "roleName": "GROUP_READ_ONLY"}]})"));
  CHECK(body["results"][1]["roles"].size() == 3);
  CHECK(body.dump().find("0f1e2d3c-4b5a") == std::string::npos);

  Reply page2 = call(state, v2, "GET", keys_path(), {{"pageNum", "2"}, {"itemsPerPage", "2"}});
  CHECK(page2.body->at("results").size() == 1);
  CHECK(page2.body->at("results")[0]["id"] == "65f0c0ffee0000000000000c");
  CHECK(page2.body->at("totalCount") == 3);

  Reply beyond = call(state, v2, "GET", keys_path(), {{"pageNum", "9"}, {"includeCount", "false"}});
  CHECK(beyond.body->at("results").empty());
  CHECK_FALSE(beyond.body->contains("totalCount"));

  Reply one = call(state, v1, "GET", key_path(key_b));
  CHECK(one.body->at("publicKey") == "abcdefgh");
  CHECK(one.content_type == "application/json");
  CHECK(error_code(call(state, v1, "GET", key_path("65f0c0ffee00000000000fff"))) ==
        "API_KEY_NOT_FOUND");
}

TEST_CASE("sandbox api: listing projects and a project's keys") {
  OrgState state = org_state();
  Reply projects = call(state, public_v1, "GET", std::string("/orgs/") + org + "/groups");
  CHECK(projects.body->at("results")[1] ==
        json::parse(R"({"id": "6523b7e0c1b52d0f1a2b3c4e", "name": "payments-dev",
      "orgId": "5a0a1e7e0f2912c554080adc", "clusterCount": 0, "created": "2024-01-01T00:00:00Z", "links": []})"));
  Reply named =
      call(state, v2, "GET", std::string("/orgs/") + org + "/groups", {{"name", "payments-dev"}});
  CHECK(named.body->at("totalCount") == 1);

  Reply dev_keys = call(state, v2, "GET", std::string("/groups/") + dev + "/apiKeys");
  CHECK(dev_keys.body->at("totalCount") == 1);
  CHECK(dev_keys.body->at("results")[0]["id"] == key_b);
  CHECK(error_code(call(state, v2, "GET", "/groups/6523b7e0c1b52d0f1a2b3fff/apiKeys")) ==
        "GROUP_NOT_FOUND");
}

TEST_CASE("sandbox api: v2 assign, update and unassign") {
  OrgState state = org_state();
  Reply assigned =
      call(state, v2, "POST", assignment(dev, key_a), {},
           R"([{"roles": ["GROUP_READ_ONLY"]}, {"roles": ["GROUP_OWNER", "GROUP_READ_ONLY"]}])");
  CHECK(assigned.status == 204);
  CHECK_FALSE(assigned.body);
  CHECK(state.find_key(key_a)->project_roles.at(dev) ==
        std::set<std::string>{"GROUP_OWNER", "GROUP_READ_ONLY"});

  // Assigning again replaces the roles rather than failing, so retries converge.
  CHECK(call(state, v2, "POST", assignment(dev, key_a), {},
             R"([{"roles": ["GROUP_CLUSTER_MANAGER"]}])")
            .status == 204);
  CHECK(state.find_key(key_a)->project_roles.at(dev) ==
        std::set<std::string>{"GROUP_CLUSTER_MANAGER"});

  Reply patched =
      call(state, v2, "PATCH", assignment(dev, key_a), {}, R"({"roles": ["GROUP_OWNER"]})");
  CHECK(patched.status == 200);
  CHECK(patched.body->at("id") == key_a);
  CHECK(state.find_key(key_a)->project_roles.at(dev) == std::set<std::string>{"GROUP_OWNER"});

  Reply unassigned = call(state, v2, "DELETE", assignment(dev, key_a));
  CHECK(unassigned.status == 204);
  CHECK_FALSE(unassigned.body);
  CHECK_FALSE(state.find_key(key_a)->project_roles.count(dev));

  CHECK(error_code(call(state, v2, "DELETE", assignment(dev, key_a))) == "API_KEY_NOT_FOUND");
  CHECK(error_code(call(state, v2, "PATCH", assignment(dev, key_a), {},
                        R"({"roles": ["GROUP_OWNER"]})")) == "API_KEY_NOT_FOUND");
  CHECK(error_code(call(state, v2, "POST", assignment("6523b7e0c1b52d0f1a2b3fff", key_a), {},
                        R"([{"roles": ["GROUP_OWNER"]}])")) == "GROUP_NOT_FOUND");
  CHECK(error_code(call(state, v2, "POST", assignment(dev, "65f0c0ffee00000000000fff"), {},
                        R"([{"roles": ["GROUP_OWNER"]}])")) == "API_KEY_NOT_FOUND");
}

TEST_CASE("sandbox api: bodies are checked strictly") {
  OrgState state = org_state();
  auto post = [&](const std::string& body) {
    return call(state, v2, "POST", assignment(dev, key_a), {}, body);
  };
  CHECK(error_code(post("not json")) == "INVALID_JSON");
  CHECK(error_code(post(R"({"roles": ["GROUP_OWNER"]})")) == "INVALID_JSON");  // v1.0 shape on v2
  CHECK(error_code(post("[]")) == "MISSING_ATTRIBUTE");
  CHECK(error_code(post(R"([{"roles": []}])")) == "MISSING_ATTRIBUTE");
  CHECK(error_code(post(R"([{"roles": ["ORG_OWNER"]}])")) == "INVALID_ROLE");
  CHECK(error_code(post(R"([{"roles": ["group_owner"]}])")) == "INVALID_ROLE");
  CHECK(error_code(post(R"([{"roles": "GROUP_OWNER"}])")) == "INVALID_JSON_ATTRIBUTE");
  CHECK(error_code(post(R"([{"roles": ["GROUP_OWNER"], "userId": "x"}])")) ==
        "INVALID_JSON_ATTRIBUTE");
  CHECK(call(state, v2, "POST", assignment(dev, key_a), {}, "[]").status == 400);
  CHECK_FALSE(state.find_key(key_a)->project_roles.count(dev));  // nothing changed

  auto patch = [&](const std::string& body) {
    return call(state, v1, "PATCH", assignment(prod, key_a), {}, body);
  };
  CHECK(error_code(patch(R"([{"roles": ["GROUP_OWNER"]}])")) ==
        "INVALID_JSON");  // v2 shape on v1.0
  CHECK(error_code(patch(R"({"roles": []})")) == "MISSING_ATTRIBUTE");
  CHECK(error_code(patch(R"({})")) == "MISSING_ATTRIBUTE");
  CHECK(error_code(patch(R"({"roles": ["GROUP_OWNER"], "desc": ""})")) == "INVALID_JSON_ATTRIBUTE");
}

TEST_CASE("sandbox api: v1.0 PATCH assigns or updates; DELETE statuses per family") {
  OrgState state = org_state();
  Reply assigned =
      call(state, v1, "PATCH", assignment(dev, key_a), {}, R"({"roles": ["GROUP_READ_ONLY"]})");
  CHECK(assigned.status == 200);
  CHECK(state.find_key(key_a)->project_roles.at(dev) == std::set<std::string>{"GROUP_READ_ONLY"});
  CHECK(call(state, public_v1, "PATCH", assignment(dev, key_a), {}, R"({"roles": ["GROUP_OWNER"]})")
            .status == 200);
  CHECK(state.find_key(key_a)->project_roles.at(dev) == std::set<std::string>{"GROUP_OWNER"});

  Reply atlas_v1 = call(state, v1, "DELETE", assignment(dev, key_a));
  CHECK(atlas_v1.status == 200);
  CHECK(atlas_v1.body == json::object());

  Reply cloud_manager = call(state, public_v1, "DELETE", assignment(prod, key_a));
  CHECK(cloud_manager.status == 200);
  CHECK_FALSE(cloud_manager.body);
}

TEST_CASE("sandbox api: deleting an org key removes it from every project") {
  OrgState state = org_state();
  CHECK(call(state, v2, "DELETE", key_path(key_b)).status == 204);
  CHECK_FALSE(state.find_key(key_b));
  CHECK(call(state, v2, "GET", std::string("/groups/") + dev + "/apiKeys").body->at("totalCount") ==
        0);
  CHECK(
      call(state, v2, "GET", std::string("/groups/") + prod + "/apiKeys").body->at("totalCount") ==
      1);
  CHECK(error_code(call(state, v2, "DELETE", key_path(key_b))) == "API_KEY_NOT_FOUND");
  CHECK_FALSE(call(state, public_v1, "DELETE", key_path("65f0c0ffee0000000000000c")).body);
  // Last: the caller (key_a) deleting itself; a deleted key has no roles left.
  CHECK(call(state, v1, "DELETE", key_path(key_a)).body == json::object());
  CHECK(state.keys.empty());
}

TEST_CASE("sandbox api: error bodies and the envelope") {
  Reply error = error_reply(ApiError(404, "API_KEY_NOT_FOUND", "No API key."));
  CHECK(*error.body ==
        json::parse(R"({"detail": "No API key.", "error": 404, "errorCode": "API_KEY_NOT_FOUND",
                                      "parameters": [], "reason": "Not Found"})"));
  CHECK(error.content_type == "application/json");

  Reply wrapped_error = envelope(error);
  CHECK(wrapped_error.status == 200);
  CHECK(wrapped_error.body->at("status") == 404);
  CHECK(wrapped_error.body->at("content") == *error.body);

  Reply list{200, json{{"results", json::array()}, {"totalCount", 0}}, "application/json", {}};
  Reply wrapped_list = envelope(list);
  CHECK(*wrapped_list.body == json{{"results", json::array()}, {"totalCount", 0}, {"status", 200}});

  Reply empty{204, std::nullopt, "application/vnd.atlas.2023-01-01+json", {}};
  Reply wrapped_empty = envelope(empty);
  CHECK(wrapped_empty.status == 200);
  CHECK(*wrapped_empty.body == json{{"status", 204}, {"content", json::object()}});

  Reply pretty{200, json{{"a", 1}}, "application/json", {}, true};
  CHECK(render_body(pretty) == "{\n  \"a\": 1\n}");
  CHECK(render_body(empty).empty());
}

}  // namespace keyform_test_sandbox_api
