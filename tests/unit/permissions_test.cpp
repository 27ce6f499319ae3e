#include "core/permissions.h"

#include <doctest/doctest.h>

using namespace keyform;

namespace {

const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kStage = "6523b7e0c1b52d0f1a2b3c02";

LiveState org(std::vector<std::string> self_org_roles, std::map<std::string, std::vector<std::string>> self_projects) {
  LiveState live;
  live.projects = {{kProd, "payments-prod"}, {kStage, "staging"}};
  LiveKey self{"65f0c0ffee00000000000001", "selfkey1", "keyform", std::move(self_projects), std::move(self_org_roles)};
  live.keys = {self, {"65f0c0ffee00000000000002", "other001", "", {{kStage, {"GROUP_READ_ONLY"}}}, {"ORG_MEMBER"}}};
  return live;
}

Action project_action(ActionKind kind, const std::string& project_id, const std::string& name) {
  Action a;
  a.kind = kind;
  a.key = {"65f0c0ffee00000000000002", "other001", ""};
  a.project = ProjectInfo{project_id, name};
  return a;
}

Plan plan_of(std::vector<Action> actions) {
  Plan plan;
  plan.actions = std::move(actions);
  return plan;
}

}  // namespace

TEST_CASE("an ORG_OWNER may do everything: no warning") {
  Action del;
  del.kind = ActionKind::delete_key;
  del.key = {"65f0c0ffee00000000000002", "other001", ""};
  const Plan plan = plan_of({project_action(ActionKind::unassign, kStage, "staging"), del});
  CHECK(permission_warnings(plan, org({"ORG_OWNER"}, {}), "selfkey1").empty());
}

TEST_CASE("deleting a key needs ORG_OWNER; project actions need GROUP_OWNER in that project") {
  Action del;
  del.kind = ActionKind::delete_key;
  del.key = {"65f0c0ffee00000000000002", "other001", ""};
  const Plan plan = plan_of({project_action(ActionKind::assign, kProd, "payments-prod"),
                             project_action(ActionKind::update_roles, kStage, "staging"),
                             project_action(ActionKind::unassign, kStage, "staging"), del});
  const auto warnings = permission_warnings(plan, org({"ORG_MEMBER"}, {{kProd, {"GROUP_OWNER"}}}), "selfkey1");
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0].message ==
        "the key keyform runs as (selfkey1) is not ORG_OWNER, which deleting a key needs: the API will refuse "
        "1 action with 403: delete key other001");
  CHECK(warnings[1].message ==
        "the key keyform runs as (selfkey1) has neither ORG_OWNER nor GROUP_OWNER in project staging (" + kStage +
            "): the API will refuse 2 actions there with 403: update roles of other001 in staging, unassign "
            "other001 from staging");
}

TEST_CASE("roles unknown (a service account, or a key outside the listing): no guess") {
  const Plan plan = plan_of({project_action(ActionKind::assign, kProd, "payments-prod")});
  CHECK(permission_warnings(plan, org({"ORG_MEMBER"}, {}), "").empty());
  CHECK(permission_warnings(plan, org({"ORG_MEMBER"}, {}), "notlistd").empty());
}

TEST_CASE("a long list of blocked actions is cut after five, with the count") {
  std::vector<Action> actions(8, project_action(ActionKind::unassign, kStage, "staging"));
  const auto warnings = permission_warnings(plan_of(actions), org({"ORG_MEMBER"}, {}), "selfkey1");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].message.find("8 actions") != std::string::npos);
  CHECK(warnings[0].message.find("and 3 more") != std::string::npos);
}
