// API key access lists without HTTP (access_list.h): listing, adding, reading and removing
// entries in every family, the spec's patterns, duplicates, the caller's own entry, and the
// address check. Over HTTP (routing of %2F, enforcement, faults, the log):
// sandbox_access_list_http_test.cpp.
#include "sandbox/access_list.h"
#include "sandbox/family.h"
#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"
#include "sandbox/routes.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace keyform_test_sandbox_access_list {

using namespace keyform::sandbox;
using nlohmann::json;

namespace {

constexpr const char* owner_id = "65f0c0ffee0000000000000a";   // zmmrboas, ORG_OWNER
constexpr const char* member_id = "65f0c0ffee0000000000000b";  // abcdefgh, ORG_MEMBER

const Family& v2 = families()[0];
const Family& v1 = families()[1];
const Family& public_v1 = families()[2];

OrgState org_state() {
  return parse_fixture(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [],
    "keys": [
      {"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas", "private_key": "0f1e2d3c-4b5a-6978",
       "org_roles": ["ORG_OWNER"], "access_list": ["127.0.0.1", "198.51.100.0/24"]},
      {"id": "65f0c0ffee0000000000000b", "public_key": "abcdefgh", "private_key": "11111111-2222-3333",
       "access_list": ["2001:db8::/32", "203.0.113.7"]}
    ]
  })");
}

struct Caller {
  std::string public_key = "zmmrboas";
  std::string address = "127.0.0.1";
};

Reply call(OrgState& state, const Family& family, const std::string& method,
           const std::string& path, const std::string& body = "", const Caller& caller = {},
           const QueryParams& params = {}) {
  try {
    Route route = match_route(family, method, path);
    Query query = parse_query(params, family, route.operation);
    Principal principal{Principal::Kind::api_key, caller.public_key};
    return execute(state, Call{family, route, query, body, "http://sandbox/self", principal,
                               std::nullopt, caller.address});
  } catch (const ApiError& error) {
    return error_reply(error);
  }
}

std::string error_code(const Reply& reply) {
  return reply.body ? reply.body->value("errorCode", "") : "";
}

std::string list_path(const char* key) {
  return std::string("/orgs/5a0a1e7e0f2912c554080adc/apiKeys/") + key + "/accessList";
}
std::string entry_path(const char* key, const std::string& entry) {
  return list_path(key) + "/" + entry;
}

std::vector<std::string> cidrs(const Reply& reply) {
  std::vector<std::string> out;
  for (const json& entry : reply.body->at("results")) out.push_back(entry["cidrBlock"]);
  return out;
}

std::vector<std::string> stored(const OrgState& state, const char* key) {
  std::vector<std::string> out;
  for (const AccessEntry& entry : state.find_key(key)->access_list) out.push_back(to_string(entry.network));
  return out;
}

}  // namespace

TEST_CASE("sandbox access list: routes exist in every family") {
  for (const Family& family : families()) {
    CAPTURE(family.name);
    CHECK(match_route(family, "GET", list_path(owner_id)).operation == Operation::list_access_list);
    CHECK(match_route(family, "POST", list_path(owner_id)).operation ==
          Operation::add_access_entries);
    CHECK(match_route(family, "GET", entry_path(owner_id, "1.2.3.4")).operation ==
          Operation::get_access_entry);
    Route removal = match_route(family, "DELETE", entry_path(owner_id, "198.51.100.0%2F24"));
    CHECK(removal.operation == Operation::delete_access_entry);
    CHECK(removal.entry == "198.51.100.0%2F24");  // still encoded: the operation checks the pattern
  }
  OrgState state = org_state();
  Reply put = call(state, v2, "PUT", list_path(owner_id), "[]");
  CHECK(put.status == 405);
  CHECK(put.headers == Headers{{"Allow", "GET, POST"}});
  // A raw "/" inside the entry is one segment too many: no such resource, as the real router says.
  CHECK(error_code(call(state, v2, "DELETE", entry_path(owner_id, "198.51.100.0/24"))) ==
        "RESOURCE_NOT_FOUND");
  CHECK(error_code(call(state, v2, "GET", list_path("65F0C0FFEE0000000000000A"))) ==
        "INVALID_ATTRIBUTE");
}

TEST_CASE("sandbox access list: the listing as the API reports it") {
  OrgState state = org_state();
  Reply list = call(state, v2, "GET", list_path(member_id));
  REQUIRE(list.status == 200);
  CHECK(list.content_type == "application/vnd.atlas.2023-01-01+json");
  CHECK(*list.body == json::parse(R"({
    "results": [
      {"cidrBlock": "2001:0db8:0000:0000:0000:0000:0000:0000/32", "created": "2024-01-01T00:00:00Z",
       "count": 0, "links": []},
      {"cidrBlock": "203.0.113.7/32", "ipAddress": "203.0.113.7", "created": "2024-01-01T00:00:00Z",
       "count": 0, "links": []}],
    "totalCount": 2, "links": [{"rel": "self", "href": "http://sandbox/self"}]})"));

  Reply second = call(state, v1, "GET", list_path(member_id), "", {},
                      {{"pageNum", "2"}, {"itemsPerPage", "1"}, {"includeCount", "false"}});
  CHECK(cidrs(second) == std::vector<std::string>{"203.0.113.7/32"});
  CHECK_FALSE(second.body->contains("totalCount"));
  CHECK(second.content_type == "application/json");
  CHECK(error_code(call(state, v2, "GET", list_path("65f0c0ffee00000000000fff"))) ==
        "API_KEY_NOT_FOUND");
}

TEST_CASE("sandbox access list: adding entries answers the whole list, in every family") {
  for (const Family& family : families()) {
    CAPTURE(family.name);
    OrgState state = org_state();
    Reply added = call(state, family, "POST", list_path(member_id),
                       R"([{"ipAddress": "192.0.2.10"}, {"cidrBlock": "10.0.0.0/8"},
                           {"ipAddress": "2001:db9:0:0:0:0:0:1"}, {"cidrBlock": "fd00::/8"}])");
    REQUIRE(added.status == 200);
    CHECK(added.content_type == std::string(family.media_type));
    CHECK(added.body->at("totalCount") == 6);
    CHECK(cidrs(added) == std::vector<std::string>{
                              "2001:0db8:0000:0000:0000:0000:0000:0000/32", "203.0.113.7/32",
                              "192.0.2.10/32", "10.0.0.0/8",
                              "2001:0db9:0000:0000:0000:0000:0000:0001/128",
                              "fd00:0000:0000:0000:0000:0000:0000:0000/8"});
    CHECK(added.body->at("results")[2]["ipAddress"] == "192.0.2.10");
    CHECK(added.body->at("results")[4]["ipAddress"] == "2001:0db9:0000:0000:0000:0000:0000:0001");
    CHECK_FALSE(added.body->at("results")[3].contains("ipAddress"));
    CHECK(added.body->at("results")[2]["created"] != "2024-01-01T00:00:00Z");  // now
    CHECK(stored(state, member_id).size() == 6);
  }
}

TEST_CASE("sandbox access list: an entry already there is 409 and nothing is added") {
  OrgState state = org_state();
  const auto before = stored(state, member_id);
  for (const char* body : {
           R"([{"cidrBlock": "203.0.113.7/32"}])",                  // the same value, other spelling
           R"([{"ipAddress": "192.0.2.1"}, {"ipAddress": "203.0.113.7"}])",  // one of several
           R"([{"cidrBlock": "2001:0db8:0000:0000:0000:0000:0000:0000/32"}])",
           R"([{"ipAddress": "192.0.2.1"}, {"cidrBlock": "192.0.2.1/32"}])",  // within the body
       }) {
    CAPTURE(body);
    Reply reply = call(state, v2, "POST", list_path(member_id), body);
    CHECK(reply.status == 409);
    CHECK(error_code(reply) == "DUPLICATE_ACCESS_LIST_ENTRY");
    CHECK(stored(state, member_id) == before);
  }
}

TEST_CASE("sandbox access list: bodies must fit the spec's patterns and be real addresses") {
  OrgState state = org_state();
  const auto before = stored(state, member_id);
  auto post = [&](const std::string& body) {
    return call(state, v2, "POST", list_path(member_id), body);
  };
  for (const char* body : {
           R"([{"ipAddress": "256.1.1.1"}])", R"([{"ipAddress": "01.2.3.4"}])",
           R"([{"ipAddress": "1.2.3.4/32"}])",                    // a CIDR is not an address
           R"([{"ipAddress": "2001:db8::1"}])",                   // the pattern wants 8 groups
           R"([{"ipAddress": "2001:DB8:0:0:0:0:0:1"}])",          // ... in lower case
           R"([{"cidrBlock": "10.0.0.0"}])",                      // no prefix
           R"([{"cidrBlock": "10.0.0.1/8"}])",                    // host bits set
           R"([{"cidrBlock": "10.0.0.0/33"}])", R"([{"cidrBlock": "2001:db8::1/128"}])",
           R"([{"cidrBlock": "999.0.0.0/8"}])", R"([{"cidrBlock": "10.0.0.0/8/8"}])",
       }) {
    CAPTURE(body);
    Reply reply = post(body);
    CHECK(reply.status == 400);
    CHECK(error_code(reply) == "INVALID_IP_ADDRESS_OR_CIDR_NOTATION");
  }
  Reply host_bits = post(R"([{"cidrBlock": "10.0.0.1/8"}])");
  // Huge strings are refused before the pattern: std::regex recursed once per "/1" of this one
  // and overflowed the stack (a crash of the whole sandbox).
  std::string endless_prefixes = "1.2.3.4";
  for (int i = 0; i < 200000; ++i) endless_prefixes += "/1";
  CHECK(error_code(post(json::array({{{"cidrBlock", endless_prefixes}}}).dump())) ==
        "INVALID_IP_ADDRESS_OR_CIDR_NOTATION");
  CHECK(error_code(call(state, v2, "GET", entry_path(member_id, "1.2.3.4" + std::string(100000, '1')))) ==
        "INVALID_IP_ADDRESS_OR_CIDR_NOTATION");
  CHECK(host_bits.body->at("detail") ==
        "Invalid cidrBlock: \"10.0.0.1/8\" has host bits set after the /8 prefix; the network is "
        "10.0.0.0/8.");
  CHECK(error_code(post(R"([{"ipAddress": "1.2.3.4", "cidrBlock": "1.2.3.0/24"}])")) ==
        "INVALID_JSON_ATTRIBUTE");
  CHECK(error_code(post(R"([{"ipAddress": "1.2.3.4", "comment": "x"}])")) == "INVALID_JSON_ATTRIBUTE");
  CHECK(error_code(post(R"([{}])")) == "INVALID_JSON_ATTRIBUTE");
  CHECK(error_code(post(R"([{"ipAddress": 1}])")) == "INVALID_JSON_ATTRIBUTE");
  CHECK(error_code(post(R"(["1.2.3.4"])")) == "INVALID_JSON_ATTRIBUTE");
  CHECK(error_code(post(R"({"ipAddress": "1.2.3.4"})")) == "INVALID_JSON");  // not an array
  CHECK(error_code(post("[]")) == "INVALID_JSON");
  CHECK(error_code(post("[")) == "INVALID_JSON");
  // Everything valid is refused with the invalid one: all or nothing.
  CHECK(post(R"([{"ipAddress": "192.0.2.1"}, {"ipAddress": "300.0.0.1"}])").status == 400);
  CHECK(stored(state, member_id) == before);
  // The body pattern also allows %2F for the slash.
  CHECK(post(R"([{"cidrBlock": "192.0.2.0%2F24"}])").status == 200);
  CHECK(stored(state, member_id).back() == "192.0.2.0/24");
}

TEST_CASE("sandbox access list: one entry by address or by CIDR with %2F") {
  OrgState state = org_state();
  Reply one = call(state, v2, "GET", entry_path(member_id, "203.0.113.7"));
  REQUIRE(one.status == 200);
  CHECK(one.body->at("ipAddress") == "203.0.113.7");
  CHECK(call(state, v2, "GET", entry_path(member_id, "203.0.113.7%2F32")).status == 200);
  Reply network = call(state, v1, "GET", entry_path(member_id, "2001:0db8:0000:0000:0000:0000:0000:0000%2f32"));
  CHECK(network.status == 200);
  CHECK(network.body->at("cidrBlock") == "2001:0db8:0000:0000:0000:0000:0000:0000/32");
  CHECK(call(state, v2, "GET", entry_path(member_id, "2001:db8::%2F32")).status == 200);
  Reply missing = call(state, v2, "GET", entry_path(member_id, "203.0.113.8"));
  CHECK(missing.status == 404);
  CHECK(error_code(missing) == "ACCESS_LIST_ENTRY_NOT_FOUND");
  CHECK(error_code(call(state, v2, "GET", entry_path(member_id, "example.com"))) ==
        "INVALID_IP_ADDRESS_OR_CIDR_NOTATION");
  CHECK(error_code(call(state, v2, "GET", entry_path(member_id, "203.0.113.7%2F33"))) ==
        "INVALID_IP_ADDRESS_OR_CIDR_NOTATION");
}

TEST_CASE("sandbox access list: removing an entry answers 204 in every family") {
  for (const Family& family : families()) {
    CAPTURE(family.name);
    OrgState state = org_state();
    Reply removed = call(state, family, "DELETE", entry_path(owner_id, "198.51.100.0%2F24"));
    CHECK(removed.status == 204);
    CHECK_FALSE(removed.body);
    CHECK(stored(state, owner_id) == std::vector<std::string>{"127.0.0.1/32"});
    Reply again = call(state, family, "DELETE", entry_path(owner_id, "198.51.100.0%2F24"));
    CHECK(again.status == 404);
    CHECK(error_code(again) == "ACCESS_LIST_ENTRY_NOT_FOUND");
    CHECK(call(state, family, "DELETE", entry_path(member_id, "203.0.113.7")).status == 204);
    CHECK(stored(state, member_id) ==
          std::vector<std::string>{"2001:0db8:0000:0000:0000:0000:0000:0000/32"});
  }
}

TEST_CASE("sandbox access list: the requesting key cannot remove the requesting address") {
  OrgState state = org_state();
  Reply own = call(state, v2, "DELETE", entry_path(owner_id, "127.0.0.1"));
  CHECK(own.status == 400);
  CHECK(error_code(own) == "CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY");
  CHECK(stored(state, owner_id).size() == 2);
  // From another address inside the network, that network is the caller's entry too.
  Caller inside{"zmmrboas", "198.51.100.9"};
  CHECK(error_code(call(state, v2, "DELETE", entry_path(owner_id, "198.51.100.0%2F24"), "", inside)) ==
        "CANNOT_REMOVE_CALLER_ACCESS_LIST_ENTRY");
  // Another key's entry holding the caller's address is not the caller's entry.
  CHECK(call(state, v2, "POST", list_path(member_id), R"([{"ipAddress": "127.0.0.1"}])").status == 200);
  CHECK(call(state, v2, "DELETE", entry_path(member_id, "127.0.0.1")).status == 204);
  // And the caller may remove its entries that do not hold its address.
  CHECK(call(state, v2, "DELETE", entry_path(owner_id, "198.51.100.0%2F24")).status == 204);
}

TEST_CASE("sandbox access list: a non-empty list admits only addresses inside it") {
  OrgState state = org_state();
  const Principal owner{Principal::Kind::api_key, "zmmrboas"};
  CHECK_NOTHROW(require_allowed_address(state, owner, "127.0.0.1"));
  CHECK_NOTHROW(require_allowed_address(state, owner, "198.51.100.200"));
  CHECK_NOTHROW(require_allowed_address(state, owner, "::ffff:127.0.0.1"));
  for (const char* outside : {"127.0.0.2", "::1", "", "not an address"}) {
    CAPTURE(outside);
    try {
      require_allowed_address(state, owner, outside);
      FAIL("admitted " << outside);
    } catch (const ApiError& error) {
      CHECK(error.status == 403);
      CHECK(error.code == "IP_ADDRESS_NOT_ON_ACCESS_LIST");
    }
  }
  state.find_key(owner_id)->access_list.clear();  // empty: from anywhere
  CHECK_NOTHROW(require_allowed_address(state, owner, "192.0.2.1"));
  // Keys that no longer exist, and service accounts, are not checked here.
  CHECK_NOTHROW(require_allowed_address(state, Principal{Principal::Kind::api_key, "nobody00"}, "::1"));
  CHECK_NOTHROW(require_allowed_address(
      state, Principal{Principal::Kind::service_account, "abcdefgh"}, "192.0.2.1"));
}

TEST_CASE("sandbox access list: reading needs an org role, writing needs ORG_OWNER") {
  OrgState state = org_state();
  Caller member{"abcdefgh", "127.0.0.1"};
  CHECK(call(state, v2, "GET", list_path(owner_id), "", member).status == 200);
  CHECK(call(state, v2, "GET", entry_path(owner_id, "127.0.0.1"), "", member).status == 200);
  Reply add = call(state, v2, "POST", list_path(member_id), R"([{"ipAddress": "192.0.2.1"}])", member);
  CHECK(add.status == 403);
  CHECK(error_code(add) == "USER_UNAUTHORIZED");
  CHECK(add.body->at("detail") ==
        "API key abcdefgh lacks the Organization Owner role (ORG_OWNER), needed to change an API "
        "key's access list.");
  CHECK(call(state, v2, "DELETE", entry_path(owner_id, "198.51.100.0%2F24"), "", member).status == 403);
  CHECK(stored(state, owner_id).size() == 2);
  CHECK(stored(state, member_id).size() == 2);
}

}  // namespace keyform_test_sandbox_access_list
