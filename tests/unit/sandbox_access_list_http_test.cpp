// Access lists and key updates over real HTTP on loopback: the address check on every call,
// routing of %2F, media types, the request log, listing faults, injected faults and the
// envelope. The operations themselves: sandbox_access_list_test.cpp.
#include "sandbox/fixture.h"
#include "sandbox/listing_faults.h"
#include "sandbox/server.h"
#include "sandbox_http_client.h"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace keyform_test_sandbox_access_list_http {

using namespace keyform::sandbox;
using namespace sandbox_test;
using nlohmann::json;

namespace {

constexpr const char* org = "5a0a1e7e0f2912c554080adc";
constexpr const char* owner_id = "65f0c0ffee0000000000000a";
constexpr const char* member_id = "65f0c0ffee0000000000000b";
constexpr const char* owner_password = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
constexpr const char* member_password = "11111111-2222-3333-4444-555555555555";

// The owner may call from loopback; the member's list holds no loopback address, so it is locked
// out until the owner changes that.
OrgState org_state() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [],
    "keys": [
      {"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas", "private_key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
       "org_roles": ["ORG_OWNER"], "access_list": ["127.0.0.0/8", "198.51.100.0/24"]},
      {"id": "65f0c0ffee0000000000000b", "public_key": "abcdefgh", "private_key": "11111111-2222-3333-4444-555555555555",
       "access_list": ["203.0.113.7"]}
    ]
  })");
}

std::string list_target(const std::string& base, const char* key) {
  return fmt::format("{}/orgs/{}/apiKeys/{}/accessList", base, org, key);
}

std::string error_code(const httplib::Result& result) {
  return json::parse(result->body).value("errorCode", "");
}

// "METHOD path status" of every logged request.
std::vector<std::string> logged(const Running& server) {
  std::vector<std::string> lines;
  const json log = server.admin_get("/__sandbox/requests");  // kept: the loop reads into it
  for (const json& r : log["requests"]) {
    lines.push_back(fmt::format("{} {} {}", r["method"].get<std::string>(),
                                r["path"].get<std::string>(), r["status"].get<int>()));
  }
  return lines;
}

}  // namespace

TEST_CASE("sandbox access list over HTTP: a key off its list gets 403 on every call") {
  Running server(org_state());
  DigestClient member(server, "abcdefgh", member_password);
  for (const std::string& target :
       {fmt::format("/api/atlas/v1.0/orgs/{}/apiKeys", org), list_target("/api/atlas/v1.0", member_id),
        std::string("/api/atlas/v1.0/no/such/path")}) {
    CAPTURE(target);
    auto denied = member.send("GET", target);
    REQUIRE(denied);
    CHECK(denied->status == 403);
    CHECK(error_code(denied) == "IP_ADDRESS_NOT_ON_ACCESS_LIST");
  }
  // The owner puts loopback on the member's list: the member gets in at once.
  DigestClient owner(server, "zmmrboas", owner_password);
  auto added = owner.send("POST", list_target("/api/atlas/v2", member_id), v2_headers(true),
                          R"([{"ipAddress": "127.0.0.1"}])");
  REQUIRE(added);
  CHECK(added->status == 200);
  CHECK(member.send("GET", fmt::format("/api/atlas/v1.0/orgs/{}/apiKeys", org))->status == 200);
  // ... and out again when it goes.
  CHECK(owner.send("DELETE", list_target("/api/atlas/v2", member_id) + "/127.0.0.1", v2_headers())
            ->status == 204);
  CHECK(member.send("GET", fmt::format("/api/atlas/v1.0/orgs/{}/apiKeys", org))->status == 403);
}

TEST_CASE("sandbox access list over HTTP: %2F names a CIDR entry, a raw slash names nothing") {
  Running server(org_state());
  DigestClient owner(server, "zmmrboas", owner_password);
  const std::string base = list_target("/api/public/v1.0", owner_id);
  auto raw = owner.send("DELETE", base + "/198.51.100.0/24");
  CHECK(raw->status == 404);
  CHECK(error_code(raw) == "RESOURCE_NOT_FOUND");
  auto one = owner.send("GET", base + "/198.51.100.0%2f24");
  CHECK(one->status == 200);
  CHECK(json::parse(one->body)["cidrBlock"] == "198.51.100.0/24");
  auto removed = owner.send("DELETE", base + "/198.51.100.0%2F24");
  CHECK(removed->status == 204);
  CHECK(removed->body.empty());
  auto own = owner.send("DELETE", base + "/127.0.0.0%2F8");
  CHECK(own->status == 400);
  CHECK(error_code(own) == "CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY");
  // The log shows each call as sent, so tests can count them by method and path.
  const std::string logged_base = fmt::format("/api/public/v1.0/orgs/{}/apiKeys/{}/accessList", org, owner_id);
  CHECK(logged(server) == std::vector<std::string>{
                              "DELETE " + logged_base + "/198.51.100.0/24 401",
                              "DELETE " + logged_base + "/198.51.100.0/24 404",
                              "GET " + logged_base + "/198.51.100.0%2f24 200",
                              "DELETE " + logged_base + "/198.51.100.0%2F24 204",
                              "DELETE " + logged_base + "/127.0.0.0%2F8 400"});
  CHECK(server.admin_get("/__sandbox/state")["keys"][0]["access_list"] ==
        json::array({"127.0.0.0/8"}));
}

TEST_CASE("sandbox access list over HTTP: media types, the envelope and PATCH of a key") {
  Running server(org_state());
  DigestClient owner(server, "zmmrboas", owner_password);
  const std::string v2_list = list_target("/api/atlas/v2", owner_id);
  auto json_body = owner.send("POST", v2_list, {{"Accept", v2_type}, {"Content-Type", "application/json"}},
                              R"([{"ipAddress": "192.0.2.1"}])");
  CHECK(json_body->status == 415);
  CHECK(owner.send("GET", v2_list, {{"Accept", "application/json"}})->status == 406);
  auto enveloped = owner.send("DELETE", v2_list + "/198.51.100.0%2F24?envelope=true", v2_headers());
  CHECK(enveloped->status == 200);
  CHECK(json::parse(enveloped->body) == json::parse(R"({"status": 204, "content": {}})"));

  const std::string v2_key = fmt::format("/api/atlas/v2/orgs/{}/apiKeys/{}", org, member_id);
  auto patched = owner.send("PATCH", v2_key, v2_headers(true), R"({"desc": "new", "roles": ["ORG_READ_ONLY"]})");
  REQUIRE(patched->status == 200);
  CHECK(patched->get_header_value("Content-Type") == v2_type);
  CHECK(json::parse(patched->body)["desc"] == "new");
  CHECK(owner.send("PATCH", v2_key, {{"Accept", v2_type}, {"Content-Type", "application/json"}},
                   R"({"desc": "x"})")->status == 415);
  auto v1_patch = owner.send("PATCH", fmt::format("/api/atlas/v1.0/orgs/{}/apiKeys/{}", org, member_id),
                             {{"Content-Type", "application/json"}}, R"({"roles": ["ORG_MEMBER"]})");
  CHECK(v1_patch->status == 200);
  const json state = server.admin_get("/__sandbox/state");
  CHECK(state["keys"][1]["desc"] == "new");
  CHECK(state["keys"][1]["org_roles"] == json::array({"ORG_MEMBER"}));
}

TEST_CASE("sandbox access list over HTTP: injected faults meet the new calls too") {
  SandboxOptions options;
  options.faults.push_back(parse_fault("POST:/accessList$:503:1"));
  options.faults.push_back(parse_fault("PATCH:/apiKeys/[0-9a-f]+$:0+:1"));
  Running server(org_state(), options);
  DigestClient owner(server, "zmmrboas", owner_password);
  const std::string list = list_target("/api/atlas/v1.0", member_id);
  const httplib::Headers json_type{{"Content-Type", "application/json"}};
  CHECK(owner.send("POST", list, json_type, R"([{"ipAddress": "192.0.2.1"}])")->status == 503);
  CHECK(owner.send("POST", list, json_type, R"([{"ipAddress": "192.0.2.1"}])")->status == 200);
  // A dropped answer after the write: the change is made, the client cannot know.
  DigestClient dropped(server, "zmmrboas", owner_password);
  auto lost = dropped.send("PATCH", fmt::format("/api/atlas/v1.0/orgs/{}/apiKeys/{}", org, member_id),
                           json_type, R"({"desc": "applied"})");
  CHECK_FALSE(lost);
  CHECK(server.admin_get("/__sandbox/state")["keys"][1]["desc"] == "applied");
}

TEST_CASE("sandbox access list over HTTP: listing faults share one budget across keys") {
  SandboxOptions options;
  options.listing_faults.push_back(parse_listing_fault("accessList:duplicate:1"));
  Running server(org_state(), options);
  DigestClient owner(server, "zmmrboas", owner_password);
  auto faulty = owner.send("GET", list_target("/api/atlas/v2", owner_id), v2_headers());
  const json body = json::parse(faulty->body);
  REQUIRE(body["results"].size() == 3);
  CHECK(body["results"][2] == body["results"][0]);
  CHECK(body["totalCount"] == 2);
  // The one pass is used up: the member key's listing (and the owner's again) are served right.
  CHECK(json::parse(owner.send("GET", list_target("/api/atlas/v2", member_id), v2_headers())->body)["results"]
            .size() == 1);
  CHECK(json::parse(owner.send("GET", list_target("/api/atlas/v2", owner_id), v2_headers())->body)["results"]
            .size() == 2);
  const json requests = server.admin_get("/__sandbox/requests")["requests"];
  CHECK(requests[1]["fault"] == true);  // [0] is the digest challenge
  CHECK(requests[2]["fault"] == false);
  const json faults = server.admin_get("/__sandbox/listing-faults")["listing_faults"];
  CHECK(faults[0]["listing"] == "accessList");
  CHECK(faults[0]["passes_used"] == 1);
}

TEST_CASE("sandbox access list over HTTP: endless listings are made of distinct entries") {
  SandboxOptions options;
  options.listing_faults.push_back(parse_listing_fault("accessList:endless"));
  Running server(org_state(), options);
  DigestClient owner(server, "zmmrboas", owner_password);
  std::vector<std::string> seen;
  for (int page = 1; page <= 3; ++page) {
    auto reply = owner.send("GET", list_target("/api/atlas/v2", member_id) +
                                       fmt::format("?pageNum={}&itemsPerPage=2", page),
                            v2_headers());
    const json body = json::parse(reply->body);
    CHECK_FALSE(body.contains("totalCount"));
    for (const json& entry : body["results"]) seen.push_back(entry["cidrBlock"]);
  }
  REQUIRE(seen.size() == 6);
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
  CHECK(seen[0].starts_with("fd00:"));
}

}  // namespace keyform_test_sandbox_access_list_http
