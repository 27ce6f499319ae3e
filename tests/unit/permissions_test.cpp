#include "core/permissions.h"

#include <doctest/doctest.h>

namespace keyform_test_permissions {

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
        "the key keyform runs as (selfkey1) is not ORG_OWNER, which deleting a key or service account needs: the API "
        "will refuse "
        "1 action with 403: delete key other001");
  CHECK(warnings[1].message ==
        "the key keyform runs as (selfkey1) has neither ORG_OWNER nor GROUP_OWNER in project staging (" + kStage +
            "): the API will refuse 2 actions there with 403: update roles of other001 in staging, unassign "
            "other001 from staging");
}

TEST_CASE("roles unknown (no principal signs in, or a key outside the listing): no guess") {
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

namespace {

const std::string kSelfSa = "mdb_sa_id_65f0c0ffee000000000000a5";
const std::string kOtherSa = "mdb_sa_id_65f0c0ffee000000000000a4";

Principal other_account() { return {kOtherSa, "", "contractor-bot", PrincipalKind::service_account}; }

// keyform signs in as the service account "keyform-ci" (ORG_MEMBER); `projects` unset: not read.
LiveState org_with_self_account(std::optional<std::map<std::string, std::vector<std::string>>> projects) {
  LiveState live = org({"ORG_OWNER"}, {});  // a key that may do anything: not the one signed in
  live.service_accounts_read = true;
  live.service_accounts = {{kSelfSa, "keyform-ci", "", {"ORG_MEMBER"}, std::move(projects)},
                           {kOtherSa, "contractor-bot", "", {"ORG_MEMBER"}, std::nullopt}};
  return live;
}

Action account_action(ActionKind kind, std::optional<std::string> project_id = std::nullopt) {
  Action a;
  a.kind = kind;
  a.key = other_account();
  if (project_id) a.project = ProjectInfo{*project_id, *project_id == kProd ? "payments-prod" : "staging"};
  return a;
}

}  // namespace

TEST_CASE("signed in as a service account: its own listed roles decide, and inviting an account needs ORG_OWNER") {
  const Plan plan = plan_of({account_action(ActionKind::assign, kProd), account_action(ActionKind::update_roles, kProd),
                             account_action(ActionKind::unassign, kStage), account_action(ActionKind::create_secret),
                             account_action(ActionKind::delete_service_account)});
  const auto warnings = permission_warnings(plan, org_with_self_account({{{kProd, {"GROUP_OWNER"}}}}), kSelfSa);
  REQUIRE(warnings.size() == 3);
  const std::string who = "the service account keyform runs as (keyform-ci, " + kSelfSa + ")";
  CHECK(warnings[0].code == "permission_delete");
  CHECK(warnings[0].message == who + " is not ORG_OWNER, which deleting a key or service account needs: the API will "
                                     "refuse 1 action with 403: delete service account \"contractor-bot\" (" + kOtherSa + ")");
  CHECK(warnings[1].code == "permission_org_owner");
  // GROUP_OWNER of payments-prod may change roles there, but not invite: that is the org owner's.
  CHECK(warnings[1].message.find("2 actions") != std::string::npos);
  CHECK(warnings[1].message.find("assign service account \"contractor-bot\" (" + kOtherSa + ") to payments-prod") !=
        std::string::npos);
  CHECK(warnings[1].message.find("create a secret of service account") != std::string::npos);
  CHECK(warnings[2].code == "permission_project");
  CHECK(warnings[2].message.find(who + " has neither ORG_OWNER nor GROUP_OWNER in project staging") == 0);
  CHECK(warnings[2].message.find("1 action there") != std::string::npos);
}

TEST_CASE("signed in as a service account whose projects were not read: org-level warnings only") {
  const Plan plan = plan_of({account_action(ActionKind::unassign, kStage), account_action(ActionKind::delete_service_account)});
  const auto warnings = permission_warnings(plan, org_with_self_account(std::nullopt), kSelfSa);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].code == "permission_delete");
}

TEST_CASE("signed in as a service account that is ORG_OWNER, or not in a listing that was read: no warning") {
  const Plan plan = plan_of({account_action(ActionKind::assign, kProd), account_action(ActionKind::delete_service_account)});
  LiveState live = org_with_self_account(std::nullopt);
  live.service_accounts[0].org_roles = {"ORG_MEMBER", "ORG_OWNER"};
  CHECK(permission_warnings(plan, live, kSelfSa).empty());
  CHECK(permission_warnings(plan, org({"ORG_MEMBER"}, {}), kSelfSa).empty());  // the accounts were not read
}

TEST_CASE("a key without ORG_OWNER may assign keys in a project it owns, but not invite a service account there") {
  const Plan plan = plan_of({project_action(ActionKind::assign, kProd, "payments-prod"), account_action(ActionKind::assign, kProd)});
  const auto warnings = permission_warnings(plan, org({"ORG_MEMBER"}, {{kProd, {"GROUP_OWNER"}}}), "selfkey1");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].code == "permission_org_owner");
  CHECK(warnings[0].message.find("1 action with 403: assign service account") != std::string::npos);
}

}  // namespace keyform_test_permissions
