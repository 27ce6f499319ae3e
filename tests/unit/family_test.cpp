#include "api/family.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace keyform;

namespace {
const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kGroup = "6523b7e0c1b52d0f1a2b3c4d";
const std::string kKey = "65f0c0ffee0000000000000a";

Action action(ActionKind kind) {
  Action a{kind, {kKey, "abcdefgh", ""}, ProjectInfo{kGroup, "payments-prod"}, {"GROUP_READ_ONLY"}, {"GROUP_OWNER"}, ""};
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
