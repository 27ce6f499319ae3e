#include "api/family.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "plan_builders.h"

namespace keyform_test_family {

using namespace keyform;
using keyform::testing::make_action;
using keyform::testing::make_entry_action;
using keyform::testing::make_update_key;

namespace {
const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kGroup = "6523b7e0c1b52d0f1a2b3c4d";
const std::string kKey = "65f0c0ffee0000000000000a";

Action action(ActionKind kind) {
  Action a = make_action(kind, {kKey, "abcdefgh", ""}, ProjectInfo{kGroup, "payments-prod"}, {"GROUP_READ_ONLY"},
                         {"GROUP_OWNER"}, "");
  if (kind == ActionKind::delete_key) a.project.reset();
  return a;
}
}  // namespace

TEST_CASE("every family is found by its [target] api name") {
  for (auto name : {"atlas-v2", "atlas-v1", "cloud-manager", "ops-manager"}) {
    REQUIRE(find_family(name) != nullptr);
    CHECK(find_family(name)->name == name);
  }
  CHECK(find_family("atlas-v3") == nullptr);
  CHECK(family_names().size() == 4);
}

TEST_CASE("family traits follow the reference") {
  const ApiFamily& v2 = *find_family("atlas-v2");
  CHECK(v2.base_path == "/api/atlas/v2");
  CHECK(v2.media_type == "application/vnd.atlas.2023-01-01+json");
  CHECK(v2.page_size == 500);
  CHECK(v2.default_base_url == "https://cloud.mongodb.com");
  CHECK(find_family("atlas-v1")->page_size == 100);
  CHECK(find_family("atlas-v1")->base_path == "/api/atlas/v1.0");
  CHECK(find_family("cloud-manager")->base_path == "/api/public/v1.0");
  CHECK(find_family("ops-manager")->default_base_url.empty());
  CHECK(find_family("cloud-manager")->media_type == "application/json");
}

TEST_CASE("list requests ask for the family's largest page") {
  const ApiRequest keys = list_org_keys_request(*find_family("atlas-v2"), kOrg, 3);
  CHECK(keys.method == "GET");
  CHECK(keys.path == "/api/atlas/v2/orgs/" + kOrg + "/apiKeys?pageNum=3&itemsPerPage=500");
  CHECK_FALSE(keys.body.has_value());
  CHECK(list_org_projects_request(*find_family("atlas-v1"), kOrg, 1).path ==
        "/api/atlas/v1.0/orgs/" + kOrg + "/groups?pageNum=1&itemsPerPage=100");
}

TEST_CASE("v2 action requests") {
  const ApiFamily& v2 = *find_family("atlas-v2");
  const std::string assignment = "/api/atlas/v2/groups/" + kGroup + "/apiKeys/" + kKey;

  const ApiRequest assign = action_request(v2, kOrg, action(ActionKind::assign));
  CHECK(assign.method == "POST");
  CHECK(assign.path == assignment);
  CHECK(nlohmann::json::parse(*assign.body) == nlohmann::json::parse(R"([{"roles":["GROUP_OWNER"]}])"));

  const ApiRequest update = action_request(v2, kOrg, action(ActionKind::update_roles));
  CHECK(update.method == "PATCH");
  CHECK(update.path == assignment);
  CHECK(nlohmann::json::parse(*update.body) == nlohmann::json::parse(R"({"roles":["GROUP_OWNER"]})"));

  const ApiRequest unassign = action_request(v2, kOrg, action(ActionKind::unassign));
  CHECK(unassign.method == "DELETE");
  CHECK(unassign.path == assignment);
  CHECK_FALSE(unassign.body.has_value());

  const ApiRequest remove = action_request(v2, kOrg, action(ActionKind::delete_key));
  CHECK(remove.method == "DELETE");
  CHECK(remove.path == "/api/atlas/v2/orgs/" + kOrg + "/apiKeys/" + kKey);
}

TEST_CASE("v1.0 families assign with PATCH of an object, and unassign under /groups") {
  for (auto name : {"atlas-v1", "cloud-manager", "ops-manager"}) {
    CAPTURE(name);
    const ApiFamily& family = *find_family(name);
    const std::string assignment = std::string(family.base_path) + "/groups/" + kGroup + "/apiKeys/" + kKey;
    const ApiRequest assign = action_request(family, kOrg, action(ActionKind::assign));
    CHECK(assign.method == "PATCH");
    CHECK(assign.path == assignment);
    CHECK(nlohmann::json::parse(*assign.body) == nlohmann::json::parse(R"({"roles":["GROUP_OWNER"]})"));
    // The trap in the docs: unassign must never be DELETE /orgs/..., which deletes the key.
    CHECK(action_request(family, kOrg, action(ActionKind::unassign)).path == assignment);
  }
}

TEST_CASE("key updates and access-list entries: the documented paths and bodies, the same on every family") {
  for (auto name : family_names()) {
    const ApiFamily& family = *find_family(name);
    CAPTURE(name);
    const std::string key = std::string(family.base_path) + "/orgs/" + kOrg + "/apiKeys/" + kKey;
    const Principal info{kKey, "abcdefgh", ""};

    const ApiRequest rename = action_request(family, kOrg, make_update_key(info, {"old", std::nullopt}, {"new", std::nullopt}));
    CHECK(rename.method == "PATCH");
    CHECK(rename.path == key);
    CHECK(nlohmann::json::parse(*rename.body) == nlohmann::json{{"desc", "new"}});  // only what changes

    const ApiRequest roles = action_request(
        family, kOrg,
        make_update_key(info, {std::nullopt, std::vector<std::string>{"ORG_MEMBER"}},
                        {std::nullopt, std::vector<std::string>{"ORG_MEMBER", "ORG_OWNER"}}));
    // The complete list: whether the API merges a partial one is not documented.
    CHECK(nlohmann::json::parse(*roles.body) == nlohmann::json{{"roles", {"ORG_MEMBER", "ORG_OWNER"}}});

    const ApiRequest host = action_request(family, kOrg, make_entry_action(ActionKind::add_access_entry, info, "203.0.113.7/32"));
    CHECK(host.method == "POST");
    CHECK(host.path == key + "/accessList");
    CHECK(nlohmann::json::parse(*host.body) == nlohmann::json::parse(R"([{"ipAddress": "203.0.113.7"}])"));
    const ApiRequest net = action_request(family, kOrg, make_entry_action(ActionKind::add_access_entry, info, "198.51.100.0/24"));
    CHECK(nlohmann::json::parse(*net.body) == nlohmann::json::parse(R"([{"cidrBlock": "198.51.100.0/24"}])"));
    const std::string v6 = "2001:0db8:0000:0000:0000:0000:0000:0000/32";
    const ApiRequest net6 = action_request(family, kOrg, make_entry_action(ActionKind::add_access_entry, info, v6));
    CHECK(nlohmann::json::parse(*net6.body)[0]["cidrBlock"] == v6);
    const std::string host6 = "2001:0db8:0000:0000:0000:0000:0000:0001/128";
    const ApiRequest one6 = action_request(family, kOrg, make_entry_action(ActionKind::add_access_entry, info, host6));
    CHECK(nlohmann::json::parse(*one6.body)[0]["ipAddress"] == "2001:0db8:0000:0000:0000:0000:0000:0001");

    // The CIDR's slash is %2F in the path: a raw "/" would name another resource.
    const ApiRequest remove_net =
        action_request(family, kOrg, make_entry_action(ActionKind::remove_access_entry, info, "198.51.100.0/24"));
    CHECK(remove_net.method == "DELETE");
    CHECK(remove_net.path == key + "/accessList/198.51.100.0%2F24");
    CHECK_FALSE(remove_net.body.has_value());
    const ApiRequest remove_host =
        action_request(family, kOrg, make_entry_action(ActionKind::remove_access_entry, info, "203.0.113.7/32"));
    CHECK(remove_host.path == key + "/accessList/203.0.113.7");

    const ApiRequest list = list_access_list_request(family, kOrg, kKey, 2);
    CHECK(list.method == "GET");
    CHECK(list.path == key + "/accessList?pageNum=2&itemsPerPage=" + std::to_string(family.page_size));
  }
}

TEST_CASE("create_key: POST /orgs/{O}/apiKeys with desc and roles, on every family") {
  const Action create = keyform::testing::make_create_key("CI \"deployer\"", {"ORG_GROUP_CREATOR", "ORG_MEMBER"});
  for (const auto& name : family_names()) {
    CAPTURE(name);
    const ApiFamily& family = *find_family(name);
    const ApiRequest request = action_request(family, kOrg, create);
    CHECK(request.method == "POST");
    CHECK(request.path == std::string(family.base_path) + "/orgs/" + kOrg + "/apiKeys");
    CHECK(request.media_type == family.media_type);
    REQUIRE(request.body);
    CHECK(nlohmann::json::parse(*request.body) ==
          nlohmann::json{{"desc", "CI \"deployer\""}, {"roles", {"ORG_GROUP_CREATOR", "ORG_MEMBER"}}});
  }
}

namespace {

// An action of `kind` about a key, or about a service account when the kind can name one only,
// with every field its request needs.
Action any_action(const ActionKindInfo& kind, PrincipalKind principal) {
  Action a = action(kind.kind);
  if (kind.scope != Scope::project) a.project.reset();
  if (kind.scope == Scope::access_entry) a.entry = "203.0.113.7/32";
  if (kind.scope == Scope::secret) a.secret = SecretInfo{"65f0c0ffee00000000000001", "2026-01-01T00:00:00Z"};
  a.after = {std::string("d"), std::vector<std::string>{"ORG_MEMBER"}, std::string("n"), 24};
  if (principal == PrincipalKind::service_account) a.key = {"mdb_sa_id_0123456789abcdef01234567", "", "n", principal};
  return a;
}

bool names(Principals principals, PrincipalKind principal) {
  if (principals == Principals::both) return true;
  return (principals == Principals::service_accounts) == (principal == PrincipalKind::service_account);
}

}  // namespace

TEST_CASE("every request carries its operation's media type: the family's, 2024-08-05 for v2 service accounts") {
  CHECK(find_family("atlas-v2")->service_account_media_type == "application/vnd.atlas.2024-08-05+json");
  CHECK(find_family("cloud-manager")->service_account_media_type == "application/json");
  for (const auto& name : family_names()) {
    CAPTURE(name);
    const ApiFamily& family = *find_family(name);
    CHECK(list_org_keys_request(family, kOrg, 1).media_type == family.media_type);
    CHECK(list_org_projects_request(family, kOrg, 2).media_type == family.media_type);
    CHECK(get_org_key_request(family, kOrg, kKey).media_type == family.media_type);
    CHECK(list_access_list_request(family, kOrg, kKey, 1).media_type == family.media_type);
    for (const auto& kind : kActionKinds) {
      CAPTURE(kind.name);
      for (auto principal : {PrincipalKind::api_key, PrincipalKind::service_account}) {
        if (!names(kind.principals, principal)) continue;
        const Action a = any_action(kind, principal);
        if (principal == PrincipalKind::api_key) {
          CHECK(action_request(family, kOrg, a).media_type == family.media_type);
        } else if (!family.manages_service_accounts()) {
          CHECK_THROWS_AS(action_request(family, kOrg, a), std::logic_error);  // the config refuses them
        } else if (kind.scope == Scope::access_entry && !family.service_account_access_lists) {
          CHECK_THROWS_AS(action_request(family, kOrg, a), std::logic_error);
        } else {
          CHECK(action_request(family, kOrg, a).media_type == family.service_account_media_type);
        }
      }
    }
  }
}

}  // namespace keyform_test_family
