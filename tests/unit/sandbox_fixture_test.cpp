// The sandbox's fixture: what it accepts, what it refuses, and what /__sandbox/state shows.
#include "sandbox/fixture.h"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace keyform_test_sandbox_fixture {

using namespace keyform::sandbox;
using nlohmann::json;

namespace {

json valid_fixture() {
  return json::parse(R"({
    "org": {"id": "5a0a1e7e0f2912c554080adc", "name": "Example Org"},
    "projects": [{"id": "6523b7e0c1b52d0f1a2b3c4d", "name": "payments-prod"},
                 {"id": "6523b7e0c1b52d0f1a2b3c4e", "name": "payments-dev"}],
    "keys": [
      {"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas",
       "private_key": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "desc": "CI deployer",
       "org_roles": ["ORG_OWNER"],
       "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_READ_ONLY", "GROUP_OWNER"]}},
      {"id": "65f0c0ffee0000000000000b", "public_key": "abcdefgh",
       "private_key": "11111111-2222-3333-4444-555555555555"}
    ],
    "service_accounts": [{"client_id": "mdb_sa_id_1", "client_secret": "mdb_sa_sk_1"}]
  })");
}

// The FixtureError message for `fixture`, or "" when it loads.
std::string error_of(const json& fixture) {
  try {
    parse_fixture(fixture.dump());
    return "";
  } catch (const FixtureError& error) {
    return error.what();
  }
}

}  // namespace

TEST_CASE("sandbox fixture: a valid fixture loads with defaults for optional fields") {
  OrgState state = parse_fixture(valid_fixture().dump());
  CHECK(state.org.id == "5a0a1e7e0f2912c554080adc");
  REQUIRE(state.projects.size() == 2);
  REQUIRE(state.keys.size() == 2);
  CHECK(state.keys[0].project_roles.at("6523b7e0c1b52d0f1a2b3c4d") ==
        std::set<std::string>{"GROUP_OWNER", "GROUP_READ_ONLY"});
  CHECK(state.keys[1].org_roles == std::vector<std::string>{"ORG_MEMBER"});
  CHECK(state.keys[1].desc.empty());
  CHECK(state.keys[1].project_roles.empty());
  CHECK(state.find_key_by_public_key("abcdefgh") == &state.keys[1]);
  CHECK(state.find_service_account("mdb_sa_id_1")->client_secret == "mdb_sa_sk_1");

  json without_accounts = valid_fixture();
  without_accounts.erase("service_accounts");
  CHECK(parse_fixture(without_accounts.dump()).service_accounts.empty());
}

TEST_CASE("sandbox fixture: bad fixtures are refused with a message naming the place") {
  CHECK(error_of(json("not an object")) == "fixture: expected an object");
  try {
    parse_fixture("{\"org\": ");
    FAIL("invalid JSON was accepted");
  } catch (const FixtureError& error) {
    CHECK(std::string(error.what()).starts_with("fixture: not valid JSON"));
  }

  json f = valid_fixture();
  f.erase("org");
  CHECK(error_of(f) == "fixture: missing field \"org\"");

  f = valid_fixture();
  f["org"]["id"] = "5A0A1E7E0F2912C554080ADC";
  CHECK(error_of(f) == "org.id: \"5A0A1E7E0F2912C554080ADC\" is not 24 lowercase hex digits");

  f = valid_fixture();
  f["keys"][1].erase("private_key");
  CHECK(error_of(f) == "keys[1]: missing field \"private_key\"");

  f = valid_fixture();
  f["keys"][0]["projects"] = {{"6523b7e0c1b52d0f1a2b3c4f", {"GROUP_OWNER"}}};
  CHECK(error_of(f) ==
        "keys[0].projects.6523b7e0c1b52d0f1a2b3c4f: no such project in \"projects\"");

  f = valid_fixture();
  f["keys"][0]["projects"]["6523b7e0c1b52d0f1a2b3c4d"] = {"ORG_OWNER"};
  CHECK(error_of(f) == "keys[0].projects.6523b7e0c1b52d0f1a2b3c4d: invalid role \"ORG_OWNER\"");

  f = valid_fixture();
  f["keys"][0]["projects"]["6523b7e0c1b52d0f1a2b3c4d"] = json::array();
  CHECK(error_of(f).find("expected a non-empty array") != std::string::npos);

  f = valid_fixture();
  f["keys"][1]["id"] = f["keys"][0]["id"];
  CHECK(error_of(f) == "fixture: duplicate key id \"65f0c0ffee0000000000000a\"");

  f = valid_fixture();
  f["keys"][1]["public_key"] = "zmmrboas";
  CHECK(error_of(f) == "fixture: duplicate public key \"zmmrboas\"");

  f = valid_fixture();
  f["keys"][0]["projekts"] = json::object();
  CHECK(error_of(f) == "keys[0]: unknown field \"projekts\"");

  f = valid_fixture();
  f["keys"][0]["private_key"] = "short";
  CHECK(error_of(f) == "keys[0].private_key: must be at least 12 characters");

  f = valid_fixture();
  f["keys"][0]["public_key"] = "CI-Key";
  CHECK(error_of(f) == "keys[0].public_key: \"CI-Key\" is not 8 lowercase letters or digits");
}

TEST_CASE("sandbox fixture: access lists are validated and kept in canonical form") {
  json f = valid_fixture();
  f["keys"][0]["access_list"] = {"203.0.113.7", "198.51.100.0/24", "2001:DB8::/32", "::1"};
  OrgState state = parse_fixture(f.dump());
  REQUIRE(state.keys[0].access_list.size() == 4);
  CHECK(state.keys[0].access_list[0].network == parse_network("203.0.113.7/32"));
  CHECK(state.keys[0].access_list[0].created == "2024-01-01T00:00:00Z");
  CHECK(state.keys[1].access_list.empty());
  CHECK(public_state(state)["keys"][0]["access_list"] ==
        json({"203.0.113.7/32", "198.51.100.0/24", "2001:0db8:0000:0000:0000:0000:0000:0000/32",
              "0000:0000:0000:0000:0000:0000:0000:0001/128"}));
  CHECK(public_state(state)["keys"][1]["access_list"] == json::array());
}

TEST_CASE("sandbox fixture: bad access lists are refused with the entry's place") {
  auto error_with = [](json access_list) {
    json f = valid_fixture();
    f["keys"][1]["access_list"] = std::move(access_list);
    return error_of(f);
  };
  CHECK(error_with("203.0.113.7") ==
        "keys[1].access_list: expected an array of IP addresses or CIDR blocks");
  CHECK(error_with({"203.0.113.7", 7}) == "keys[1].access_list[1]: expected a string");
  CHECK(error_with({"203.0.113.300"}) ==
        "keys[1].access_list[0]: \"203.0.113.300\" is not an IPv4 or IPv6 address or CIDR block");
  CHECK(error_with({"198.51.100.7/24"}) ==
        "keys[1].access_list[0]: \"198.51.100.7/24\" has host bits set after the /24 prefix; the "
        "network is 198.51.100.0/24");
  CHECK(error_with({"10.0.0.0/8", "203.0.113.7", "203.0.113.7/32"}) ==
        "keys[1].access_list[2]: \"203.0.113.7/32\" repeats entry [1] (203.0.113.7/32)");
  CHECK(error_with({"2001:db8::/32", "2001:0DB8:0::/32"}) ==
        "keys[1].access_list[1]: \"2001:0DB8:0::/32\" repeats entry [0] "
        "(2001:0db8:0000:0000:0000:0000:0000:0000/32)");
  CHECK(error_with(json::array()).empty());
}

TEST_CASE("sandbox fixture: load_fixture names the file") {
  try {
    load_fixture("/nonexistent/fixture.json");
    FAIL("a missing file was accepted");
  } catch (const FixtureError& error) {
    CHECK(std::string(error.what()).starts_with("/nonexistent/fixture.json: cannot read"));
  }
}

TEST_CASE("sandbox fixture: public_state has the fixture's shape and no secrets") {
  json state = public_state(parse_fixture(valid_fixture().dump()));
  CHECK(state["org"] == json{{"id", "5a0a1e7e0f2912c554080adc"}, {"name", "Example Org"}});
  CHECK(state["projects"].size() == 2);
  CHECK(state["keys"][0] ==
        json::parse(R"({"id": "65f0c0ffee0000000000000a", "public_key": "zmmrboas",
      "desc": "CI deployer", "org_roles": ["ORG_OWNER"], "access_list": [],
      "projects": {"6523b7e0c1b52d0f1a2b3c4d": ["GROUP_OWNER", "GROUP_READ_ONLY"]}})"));
  CHECK(state["keys"][1]["projects"] == json::object());
  CHECK_FALSE(state.contains("service_accounts"));
  const std::string text = state.dump();
  CHECK(text.find("a5b4c3d2e1f0") == std::string::npos);
  CHECK(text.find("mdb_sa_sk_1") == std::string::npos);
}

}  // namespace keyform_test_sandbox_fixture
