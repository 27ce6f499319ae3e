#include "core/planner.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace keyform_test_planner {

using namespace keyform;

namespace {

// A small org: three projects (two share a name), four keys.
const std::string kOrg = "5a0a1e7e0f2912c554080adc";
const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kStage = "6523b7e0c1b52d0f1a2b3c02";
const std::string kDupA = "6523b7e0c1b52d0f1a2b3c03";
const std::string kDupB = "6523b7e0c1b52d0f1a2b3c04";
const std::string kCiId = "65f0c0ffee0000000000000a";
const std::string kOpsId = "65f0c0ffee0000000000000b";
const std::string kOldId = "65f0c0ffee0000000000000c";
const std::string kAdminId = "65f0c0ffee0000000000000d";

LiveState org() {
  LiveState live;
  live.org_id = kOrg;
  live.projects = {{kProd, "payments-prod"}, {kStage, "staging"}, {kDupA, "shared"}, {kDupB, "shared"}};
  live.keys = {
      {kCiId, "cikey001", "CI deployer", {{kProd, {"GROUP_READ_ONLY"}}}, {"ORG_MEMBER"}},
      {kOpsId, "opskey01", "ops", {{kProd, {"GROUP_OWNER"}}, {kStage, {"GROUP_OWNER"}}}, {"ORG_MEMBER"}},
      {kOldId, "oldkey01", "", {{kStage, {"GROUP_READ_ONLY"}}}, {"ORG_MEMBER"}},
      {kAdminId, "admin001", "keyform itself", {{kProd, {"GROUP_OWNER"}}}, {"ORG_OWNER"}},
  };
  return live;
}

DeclaredProject project(std::string ref, std::vector<std::string> roles, int line = 0) {
  return {std::move(ref), std::move(roles), {line, 1}};
}

DeclaredKey key(std::string public_key, std::vector<DeclaredProject> projects, int line = 0) {
  DeclaredKey k;
  k.public_key = std::move(public_key);
  k.projects = std::move(projects);
  k.pos = {line, 1};
  return k;
}

DeclaredKey absent(std::string public_key) {
  DeclaredKey k;
  k.public_key = std::move(public_key);
  k.state = KeyState::absent;
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

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// "assign cikey001 staging [] -> [GROUP_OWNER]": compact enough to compare whole plans.
std::string line(const Action& a) {
  std::string text = std::string(to_string(a.kind)) + " " + a.key.public_key;
  if (a.project) text += " " + a.project->name;
  if (a.kind != ActionKind::delete_key) text += " [" + join(a.roles_before) + "] -> [" + join(a.roles_after) + "]";
  return text;
}

std::vector<std::string> lines(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& a : plan.actions) out.push_back(line(a));
  return out;
}

std::vector<std::string> skipped_lines(const Plan& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan.skipped) out.push_back(line(s.action) + " (" + s.skip_reason + ")");
  return out;
}

Plan plan_ok(const Config& c, const LiveState& live = org(), std::string_view self = "") {
  PlanResult result = make_plan(c, live, self);
  REQUIRE(result.errors.empty());
  REQUIRE(result.plan.has_value());
  return *result.plan;
}

std::vector<std::string> plan_errors(const Config& c) {
  PlanResult result = make_plan(c, org(), "");
  CHECK_FALSE(result.plan.has_value());
  std::vector<std::string> out;
  for (const auto& e : result.errors) out.push_back(std::to_string(e.pos.line) + ": " + e.message);
  return out;
}

}  // namespace

TEST_CASE("declared keys are made exactly equal to their projects table") {
  struct Case {
    const char* name;
    std::vector<DeclaredProject> projects;
    std::vector<std::string> expected;
  };
  const std::vector<Case> cases = {
      {"matching by id", {project(kProd, {"GROUP_READ_ONLY"})}, {}},
      {"matching by name", {project("payments-prod", {"GROUP_READ_ONLY"})}, {}},
      {"assign by name",
       {project("payments-prod", {"GROUP_READ_ONLY"}), project("staging", {"GROUP_CLUSTER_MANAGER", "GROUP_OWNER"})},
       {"assign cikey001 staging [] -> [GROUP_CLUSTER_MANAGER,GROUP_OWNER]"}},
      {"assign by id", {project(kProd, {"GROUP_READ_ONLY"}), project(kStage, {"GROUP_OWNER"})},
       {"assign cikey001 staging [] -> [GROUP_OWNER]"}},
      {"roles differ", {project(kProd, {"GROUP_OWNER", "GROUP_READ_ONLY"})},
       {"update_roles cikey001 payments-prod [GROUP_READ_ONLY] -> [GROUP_OWNER,GROUP_READ_ONLY]"}},
      {"extra live project", {project(kStage, {"GROUP_READ_ONLY"})},
       {"assign cikey001 staging [] -> [GROUP_READ_ONLY]",
        "unassign cikey001 payments-prod [GROUP_READ_ONLY] -> []"}},
      {"empty table unassigns everywhere", {}, {"unassign cikey001 payments-prod [GROUP_READ_ONLY] -> []"}},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    CHECK(lines(plan_ok(config({key("cikey001", c.projects)}))) == c.expected);
  }
}

TEST_CASE("a declared key can be named by id") {
  DeclaredKey k;
  k.id = kOpsId;
  k.projects = {project(kProd, {"GROUP_OWNER"})};
  CHECK(lines(plan_ok(config({k}))) == std::vector<std::string>{"unassign opskey01 staging [GROUP_OWNER] -> []"});
}

TEST_CASE("an absent key is deleted once, never unassigned first (the service cascades)") {
  const Plan plan = plan_ok(config({absent("opskey01")}));
  CHECK(lines(plan) == std::vector<std::string>{"delete_key opskey01"});
  CHECK_FALSE(plan.actions[0].project.has_value());
  CHECK(plan.actions[0].reason == "declared with state = \"absent\"");
}

TEST_CASE("an absent key that is already gone needs no action") {
  CHECK(plan_ok(config({absent("gone0001")})).actions.empty());
}

TEST_CASE("undeclared keys follow the policy") {
  const std::vector<DeclaredKey> declared = {key("cikey001", {project(kProd, {"GROUP_READ_ONLY"})}),
                                             key("admin001", {project(kProd, {"GROUP_OWNER"})})};
  SUBCASE("ignore leaves them alone") { CHECK(plan_ok(config(declared)).actions.empty()); }
  SUBCASE("unassign removes every assignment") {
    const Plan plan = plan_ok(config(declared, UndeclaredPolicy::unassign));
    CHECK(lines(plan) == std::vector<std::string>{"unassign oldkey01 staging [GROUP_READ_ONLY] -> []",
                                                  "unassign opskey01 payments-prod [GROUP_OWNER] -> []",
                                                  "unassign opskey01 staging [GROUP_OWNER] -> []"});
    CHECK(plan.actions[0].reason == "undeclared key; policy unassign");
  }
  SUBCASE("delete deletes the key and plans no unassign for it") {
    const Plan plan = plan_ok(config(declared, UndeclaredPolicy::remove));
    CHECK(lines(plan) == std::vector<std::string>{"delete_key oldkey01", "delete_key opskey01"});
    CHECK(plan.actions[0].reason == "undeclared key; policy delete");
  }
  SUBCASE("delete also removes keys without any assignment") {
    LiveState live = org();
    live.keys.push_back({"65f0c0ffee0000000000000e", "idlekey1", "", {}, {}});
    const Plan plan = plan_ok(config(declared, UndeclaredPolicy::remove), live);
    CHECK(lines(plan) == std::vector<std::string>{"delete_key idlekey1", "delete_key oldkey01", "delete_key opskey01"});
  }
}

TEST_CASE("protected keys are never touched, whatever the config or policy says") {
  for (const std::string& name : {std::string("opskey01"), kOpsId}) {
    CAPTURE(name);
    SUBCASE("undeclared, policy delete") {
      Config c = config({}, UndeclaredPolicy::remove);
      c.policy.protected_keys = {name};
      const Plan plan = plan_ok(c);
      CHECK(lines(plan) == std::vector<std::string>{"delete_key admin001", "delete_key cikey001", "delete_key oldkey01"});
      CHECK(skipped_lines(plan) == std::vector<std::string>{"delete_key opskey01 (protected key (policy.protected_keys))"});
    }
    SUBCASE("declared with different projects, assign included") {
      Config c = config({key("opskey01", {project(kProd, {"GROUP_READ_ONLY"}), project(kDupA, {"GROUP_OWNER"})})});
      c.policy.protected_keys = {name};
      const Plan plan = plan_ok(c);
      CHECK(plan.actions.empty());
      CHECK(skipped_lines(plan).size() == 3);
    }
  }
}

TEST_CASE("keyform's own key may gain access but is never unassigned, updated or deleted") {
  SUBCASE("policy delete skips it") {
    const Plan plan = plan_ok(config({}, UndeclaredPolicy::remove), org(), "admin001");
    CHECK(skipped_lines(plan) == std::vector<std::string>{"delete_key admin001 (keyform authenticates with this key)"});
    CHECK(plan.summary().count(ActionKind::delete_key) == 3);
  }
  SUBCASE("declared absent is skipped") {
    const Plan plan = plan_ok(config({absent("admin001")}), org(), "admin001");
    CHECK(plan.actions.empty());
    CHECK(plan.skipped.size() == 1);
  }
  SUBCASE("declared: update and unassign skipped, assign kept") {
    const Plan plan = plan_ok(config({key("admin001", {project(kStage, {"GROUP_OWNER"})})}), org(), "admin001");
    CHECK(lines(plan) == std::vector<std::string>{"assign admin001 staging [] -> [GROUP_OWNER]"});
    CHECK(skipped_lines(plan) ==
          std::vector<std::string>{"unassign admin001 payments-prod [GROUP_OWNER] -> [] (keyform authenticates with this key)"});
  }
  SUBCASE("policy unassign skips its assignments") {
    const Plan plan = plan_ok(config({}, UndeclaredPolicy::unassign), org(), "admin001");
    CHECK(plan.summary().count(ActionKind::unassign) == 4);
    CHECK(plan.skipped.size() == 1);
  }
}

TEST_CASE("actions run in phases: grants, then unassigns, then deletes; sorted inside a phase") {
  Config c = config({key("opskey01", {project(kProd, {"GROUP_READ_ONLY"}), project(kDupA, {"GROUP_OWNER"})}),
                     key("cikey001", {project(kStage, {"GROUP_READ_ONLY"})}), absent("oldkey01")},
                    UndeclaredPolicy::unassign);
  const Plan plan = plan_ok(c);
  CHECK(lines(plan) == std::vector<std::string>{
                           "assign cikey001 staging [] -> [GROUP_READ_ONLY]",
                           "update_roles opskey01 payments-prod [GROUP_OWNER] -> [GROUP_READ_ONLY]",
                           "assign opskey01 shared [] -> [GROUP_OWNER]",
                           "unassign admin001 payments-prod [GROUP_OWNER] -> []",
                           "unassign cikey001 payments-prod [GROUP_READ_ONLY] -> []",
                           "unassign opskey01 staging [GROUP_OWNER] -> []",
                           "delete_key oldkey01",
                       });
  for (std::size_t i = 1; i < plan.actions.size(); ++i) {
    CHECK(phase_of(plan.actions[i - 1]) <= phase_of(plan.actions[i]));
  }
  const PlanSummary s = plan.summary();
  CHECK(s.count(ActionKind::assign) == 2);
  CHECK(s.count(ActionKind::update_roles) == 1);
  CHECK(s.count(ActionKind::unassign) == 3);
  CHECK(s.count(ActionKind::delete_key) == 1);
  CHECK(plan.destroy_count() == 4);
  CHECK(s.total() == 7);
}

TEST_CASE("a plan carries the target and full key and project details") {
  const Plan plan = plan_ok(config({key("cikey001", {project(kStage, {"GROUP_OWNER"})}, 7)}));
  CHECK(plan.target.api == "atlas-v2");
  CHECK(plan.target.org_id == kOrg);
  REQUIRE(plan.actions.size() == 2);
  const Action& a = plan.actions[0];
  CHECK(a.key.id == kCiId);
  CHECK(a.key.desc == "CI deployer");
  CHECK(a.project->id == kStage);
  CHECK(a.project->name == "staging");
  CHECK(a.reason == "declared in config");
  CHECK(plan.actions[1].reason == "not declared for this key");
  CHECK(plan_ok(config({key("cikey001", {project(kProd, {"GROUP_OWNER"})})})).actions[0].reason == "roles differ");
}

TEST_CASE("errors against live data name the config position") {
  CHECK(plan_errors(config({key("nokey001", {}, 4)})) ==
        std::vector<std::string>{"4: key \"nokey001\" does not exist in org " + kOrg});
  CHECK(plan_errors(config({key("cikey001", {project("6523b7e0c1b52d0f1a2b3cff", {"GROUP_OWNER"}, 9)})})) ==
        std::vector<std::string>{"9: project 6523b7e0c1b52d0f1a2b3cff does not exist in org " + kOrg});
  CHECK(plan_errors(config({key("cikey001", {project("nope", {"GROUP_OWNER"}, 3)})})) ==
        std::vector<std::string>{"3: no project named \"nope\" in org " + kOrg});
  CHECK(plan_errors(config({key("cikey001", {project("shared", {"GROUP_OWNER"}, 5)})})) ==
        std::vector<std::string>{"5: project name \"shared\" matches 2 projects (" + kDupA + ", " + kDupB +
                                 "): name the project by id"});
  CHECK(plan_errors(config({key("cikey001", {project(kProd, {"GROUP_OWNER"}), project("payments-prod", {"GROUP_OWNER"}, 6)})}))
            .at(0)
            .find("6: project \"payments-prod\" is declared twice") == 0);
  DeclaredKey by_id;
  by_id.id = kCiId;
  by_id.pos = {8, 1};
  CHECK(plan_errors(config({key("cikey001", {}, 2), by_id})) ==
        std::vector<std::string>{"8: key \"" + kCiId + "\" is the same key as \"cikey001\" declared on line 2"});
}

TEST_CASE("every error is reported, not just the first") {
  CHECK(plan_errors(config({key("nokey001", {}, 1), key("cikey001", {project("nope", {"GROUP_OWNER"}, 2)})})).size() == 2);
}

TEST_CASE("max_destroy refuses plans that remove more access than allowed") {
  const Plan plan = plan_ok(config({}, UndeclaredPolicy::unassign));  // 5 unassigns
  Policy policy;
  CHECK_FALSE(check_max_destroy(plan, policy).has_value());
  policy.max_destroy = 5;
  CHECK_FALSE(check_max_destroy(plan, policy).has_value());
  policy.max_destroy = 4;
  REQUIRE(check_max_destroy(plan, policy).has_value());
  CHECK(check_max_destroy(plan, policy)->find("5 times (unassigns, deletes, removed org roles and access-list entries), more than policy.max_destroy = 4") !=
        std::string::npos);
  policy.max_destroy = 0;
  CHECK(check_max_destroy(plan_ok(config({key("cikey001", {project(kProd, {"GROUP_READ_ONLY"}), project(kStage, {"GROUP_OWNER"})})})),
                          policy) == std::nullopt);
}

TEST_CASE("planning is deterministic whatever order the API lists things in") {
  LiveState reversed = org();
  std::reverse(reversed.keys.begin(), reversed.keys.end());
  std::reverse(reversed.projects.begin(), reversed.projects.end());
  const Config c = config({key("cikey001", {project(kStage, {"GROUP_OWNER"})})}, UndeclaredPolicy::unassign);
  CHECK(lines(plan_ok(c)) == lines(plan_ok(c, reversed)));
}

// Issue 11, reproduced: a listing that returned one key twice made the second copy look
// undeclared, and policy delete planned the DELETE of a declared key.
TEST_CASE("a key listed twice is one key: never planned as undeclared, whatever the policy") {
  LiveState live = org();
  live.keys.push_back(live.keys[0]);                          // twice on one page
  live.keys.insert(live.keys.begin() + 2, live.keys[1]);      // page 2 repeating the last key of page 1
  for (auto policy : {UndeclaredPolicy::remove, UndeclaredPolicy::unassign}) {
    Config c = config({key("cikey001", {project(kProd, {"GROUP_READ_ONLY"})}),
                       key("opskey01", {project(kProd, {"GROUP_OWNER"}), project(kStage, {"GROUP_OWNER"})}),
                       key("admin001", {project(kProd, {"GROUP_OWNER"})})},
                      policy);
    const Plan plan = plan_ok(c, live);
    INFO(join(lines(plan)));
    for (const auto& a : plan.actions) CHECK(a.key.public_key == "oldkey01");  // the only undeclared key
    CHECK(plan.actions.size() == 1);
  }
}

TEST_CASE("a key declared by id is matched by id even when the listing repeats it") {
  LiveState live = org();
  live.keys.push_back(live.keys[0]);
  DeclaredKey k = key("", {project(kProd, {"GROUP_READ_ONLY"})});
  k.id = kCiId;
  const Plan plan = plan_ok(config({k}, UndeclaredPolicy::remove), live);
  for (const auto& a : plan.actions) CHECK(a.key.id != kCiId);
}

TEST_CASE("two keys with the public key the file names are ambiguous: an error naming both ids") {
  LiveState live = org();
  LiveKey twin = live.keys[0];
  twin.id = "65f0c0ffee0000000000000f";
  live.keys.push_back(twin);
  PlanResult result = make_plan(config({key("cikey001", {project(kProd, {"GROUP_READ_ONLY"})}, 7)},
                                       UndeclaredPolicy::remove),
                                live, "");
  REQUIRE_FALSE(result.plan.has_value());
  REQUIRE(result.errors.size() == 1);
  CHECK(result.errors[0].pos.line == 7);
  CHECK(result.errors[0].message.find("matches 2 keys") != std::string::npos);
  CHECK(result.errors[0].message.find(kCiId) != std::string::npos);
  CHECK(result.errors[0].message.find("65f0c0ffee0000000000000f") != std::string::npos);
}

TEST_CASE("a delete carries its blast radius: every project and role the key loses, by project name") {
  const Plan plan = plan_ok(config({absent("opskey01")}));
  REQUIRE(plan.actions.size() == 1);
  const Action& del = plan.actions[0];
  CHECK(del.kind == ActionKind::delete_key);
  REQUIRE(del.assignments_before.size() == 2);
  CHECK(del.assignments_before[0].project.name == "payments-prod");
  CHECK(del.assignments_before[0].project.id == kProd);
  CHECK(del.assignments_before[0].roles == std::vector<std::string>{"GROUP_OWNER"});
  CHECK(del.assignments_before[1].project.name == "staging");
  for (const auto& a : plan_ok(config({key("cikey001", {})})).actions) CHECK(a.assignments_before.empty());
}

}  // namespace keyform_test_planner
