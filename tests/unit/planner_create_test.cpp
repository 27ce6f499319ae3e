// The planner for keys named by their description: none in the org (create it, with its projects
// and access list), exactly one (that is the key), several (an error naming them, no plan).
#include "core/planner.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace keyform_test_planner_create {

using namespace keyform;

namespace {

const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kStaging = "6523b7e0c1b52d0f1a2b3c02";
const std::string kKeyId = "65f0c0ffee0000000000000a";
const std::string kTwinId = "65f0c0ffee0000000000000b";
const std::string kDesc = "CI deployer (payments)";

using Strings = std::vector<std::string>;

LiveState org() {
  LiveState live;
  live.org_id = kOrg;
  live.projects = {{kProd, "payments-prod"}, {kStaging, "payments-staging"}};
  return live;
}

LiveKey live_key(const std::string& id, const std::string& public_key, const std::string& desc) {
  return {id, public_key, desc, {{kProd, {"GROUP_READ_ONLY"}}}, {"ORG_MEMBER"}, Strings{}};
}

DeclaredKey by_desc(const std::string& desc = kDesc) {
  DeclaredKey k;
  k.desc = desc;
  k.projects = {{"payments-prod", {"GROUP_READ_ONLY"}, {3, 1}}, {kStaging, {"GROUP_OWNER"}, {4, 1}}};
  k.pos = {1, 1};
  k.desc_pos = {2, 8};
  return k;
}

Config config(std::vector<DeclaredKey> keys, UndeclaredPolicy policy = UndeclaredPolicy::ignore) {
  Config c;
  c.path = "keyform.toml";
  c.target = {"atlas-v2", kOrg, "", {}, {}, {}};
  c.policy.undeclared_keys = policy;
  c.keys = std::move(keys);
  return c;
}

Plan plan_of(const Config& c, const LiveState& live) {
  PlanResult result = make_plan(c, live, "selfkey1");
  REQUIRE(result.errors.empty());
  return *result.plan;
}

}  // namespace

TEST_CASE("a key named by a description no key in the org has is created, then given its projects and entries") {
  DeclaredKey key = by_desc();
  key.access_list = Strings{"192.0.2.1/32", "198.51.100.0/24"};
  const Plan plan = plan_of(config({key}), org());
  REQUIRE(plan.actions.size() == 5);
  const Action& create = plan.actions[0];
  CHECK(create.kind == ActionKind::create_key);
  CHECK(create.key.is_new());
  CHECK(create.key.desc == kDesc);
  CHECK(create.after.desc == kDesc);
  CHECK(create.after.org_roles == Strings{"ORG_MEMBER"});  // the default when org_roles is omitted
  CHECK(create.reason_code == ReasonCode::no_key_with_desc);
  CHECK(phase_of(create) == Phase::create);
  for (std::size_t i = 1; i < plan.actions.size(); ++i) {
    const Action& a = plan.actions[i];
    CHECK(a.key.is_new());
    CHECK(a.key.desc == kDesc);  // how the executor finds the id the create answers with
    CHECK(phase_of(a) == Phase::grant);
  }
  CHECK(plan.actions[1].kind == ActionKind::assign);
  CHECK(plan.actions[1].project->name == "payments-prod");
  CHECK(plan.actions[1].roles_after == Strings{"GROUP_READ_ONLY"});
  CHECK(plan.actions[2].project->id == kStaging);
  CHECK(plan.actions[3].kind == ActionKind::add_access_entry);
  CHECK(plan.actions[3].entry == "192.0.2.1/32");
  CHECK(plan.actions[4].entry == "198.51.100.0/24");
  CHECK(plan.summary().count(ActionKind::create_key) == 1);
  CHECK(plan.destroy_count() == 0);
}

TEST_CASE("a key to create gets the declared org roles") {
  DeclaredKey key = by_desc();
  key.org_roles = Strings{"ORG_GROUP_CREATOR", "ORG_READ_ONLY"};
  const Plan plan = plan_of(config({key}), org());
  CHECK(plan.actions[0].after.org_roles == Strings{"ORG_GROUP_CREATOR", "ORG_READ_ONLY"});
}

TEST_CASE("exactly one key with the description: that is the key, planned like any other, nothing created") {
  LiveState live = org();
  live.keys = {live_key(kKeyId, "cikey001", kDesc), live_key(kTwinId, "other001", kDesc + " (old)")};
  const Plan plan = plan_of(config({by_desc()}), live);
  REQUIRE(plan.actions.size() == 1);  // the staging project is missing; prod is as declared
  CHECK(plan.actions[0].kind == ActionKind::assign);
  CHECK(plan.actions[0].key.id == kKeyId);
  CHECK(plan.actions[0].key.public_key == "cikey001");
  CHECK(plan.summary().count(ActionKind::create_key) == 0);
}

TEST_CASE("a second plan after the create finds the key by its description and has nothing to do") {
  DeclaredKey key = by_desc();
  key.access_list = Strings{"192.0.2.1/32"};
  LiveState live = org();
  LiveKey created = live_key(kKeyId, "cikey001", kDesc);
  created.project_roles = {{kProd, {"GROUP_READ_ONLY"}}, {kStaging, {"GROUP_OWNER"}}};
  created.access_list = Strings{"192.0.2.1/32"};
  live.keys = {created};
  CHECK(access_lists_to_read(config({key}), live) == Strings{kKeyId});
  CHECK_FALSE(plan_of(config({key}), live).has_changes());
}

TEST_CASE("two keys with the description: an error naming both ids at the desc, and no plan") {
  LiveState live = org();
  live.keys = {live_key(kKeyId, "cikey001", kDesc), live_key(kTwinId, "cikey002", kDesc)};
  const PlanResult result = make_plan(config({by_desc()}), live, "selfkey1");
  CHECK_FALSE(result.plan);
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].pos.line == 2);
  CHECK(result.errors[0].message.find("matches 2 keys") != std::string::npos);
  CHECK(result.errors[0].message.find(kKeyId) != std::string::npos);
  CHECK(result.errors[0].message.find(kTwinId) != std::string::npos);
}

TEST_CASE("a key named by description and declared absent: deleted when it exists, nothing when it does not") {
  DeclaredKey gone = by_desc();
  gone.state = KeyState::absent;
  gone.projects.clear();
  CHECK_FALSE(plan_of(config({gone}), org()).has_changes());
  LiveState live = org();
  live.keys = {live_key(kKeyId, "cikey001", kDesc)};
  const Plan plan = plan_of(config({gone}), live);
  REQUIRE(plan.actions.size() == 1);
  CHECK(plan.actions[0].kind == ActionKind::delete_key);
  CHECK(plan.actions[0].key.id == kKeyId);
}

TEST_CASE("rotation: the new key is created first and the old one deleted last, in one plan") {
  DeclaredKey old_key;
  old_key.id = kKeyId;
  old_key.state = KeyState::absent;
  LiveState live = org();
  live.keys = {live_key(kKeyId, "cikey001", "CI deployer (2025)")};
  const Plan plan = plan_of(config({by_desc(), old_key}), live);
  REQUIRE(plan.actions.size() == 4);
  CHECK(plan.actions.front().kind == ActionKind::create_key);
  CHECK(plan.actions.back().kind == ActionKind::delete_key);
  CHECK(plan.actions.back().key.id == kKeyId);
}

TEST_CASE("a new key under policy delete: the undeclared keys go, the declared-by-description one stays") {
  LiveState live = org();
  live.keys = {live_key(kKeyId, "cikey001", kDesc), live_key(kTwinId, "stray001", "stray")};
  const Plan plan = plan_of(config({by_desc()}, UndeclaredPolicy::remove), live);
  int deletes = 0;
  for (const auto& a : plan.actions) {
    if (a.kind != ActionKind::delete_key) continue;
    ++deletes;
    CHECK(a.key.id == kTwinId);
  }
  CHECK(deletes == 1);
}

TEST_CASE("several keys to create: each create precedes the grants, and each key's actions name only it") {
  const Plan plan = plan_of(config({by_desc("B deployer"), by_desc("A deployer")}), org());
  REQUIRE(plan.actions.size() == 6);
  CHECK(plan.actions[0].kind == ActionKind::create_key);
  CHECK(plan.actions[0].key.desc == "A deployer");
  CHECK(plan.actions[1].kind == ActionKind::create_key);
  CHECK(plan.actions[1].key.desc == "B deployer");
  CHECK(plan.actions[2].key.desc == "A deployer");
  CHECK(plan.actions[3].key.desc == "A deployer");
  CHECK(plan.actions[4].key.desc == "B deployer");
  CHECK(key_ref(plan.actions[2].key) != key_ref(plan.actions[4].key));
}

TEST_CASE("a key to create with a project the org does not have: an error, no plan") {
  DeclaredKey key = by_desc();
  key.projects.push_back({"no-such-project", {"GROUP_READ_ONLY"}, {5, 1}});
  const PlanResult result = make_plan(config({key}), org(), "selfkey1");
  CHECK_FALSE(result.plan);
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].pos.line == 5);
}

}  // namespace keyform_test_planner_create
