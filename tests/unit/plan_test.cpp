#include "core/plan.h"

#include <doctest/doctest.h>

#include <set>

#include "plan_builders.h"

namespace keyform_test_plan {

using namespace keyform;
using keyform::testing::make_action;
using keyform::testing::make_entry_action;
using keyform::testing::make_update_key;

namespace {
const Principal kKey{"65f0c0ffee0000000000000a", "abcdefgh", "ci"};
const ProjectInfo kProject{"6523b7e0c1b52d0f1a2b3c01", "payments-prod"};
}  // namespace

TEST_CASE("the action-kind table: every kind once, names unique, round-trip through their names") {
  std::set<std::string_view> names;
  std::set<ActionKind> kinds;
  for (const auto& entry : kActionKinds) {
    CHECK(names.insert(entry.name).second);
    CHECK(kinds.insert(entry.kind).second);
    CHECK(&info(entry.kind) == &entry);
    CHECK(action_kind_from_string(entry.name) == entry.kind);
    CHECK_FALSE(entry.symbol.empty());
    CHECK_FALSE(entry.heading.empty());
    CHECK(entry.phase <= entry.removing_phase);
  }
  CHECK(kinds.size() == static_cast<std::size_t>(ActionKind::delete_service_account) + 1);  // no enumerator without an entry
  CHECK_FALSE(action_kind_from_string("destroy").has_value());
}

TEST_CASE("reason codes round-trip through their names") {
  for (int i = 0; i <= static_cast<int>(ReasonCode::access_entry_not_declared); ++i) {
    const auto code = static_cast<ReasonCode>(i);
    CHECK(reason_code_from_string(to_string(code)) == code);
  }
  CHECK_FALSE(reason_code_from_string("because").has_value());
}

TEST_CASE("phases: grants before removals before deletes; an update_key that drops an org role is a removal") {
  const Action assign = make_action(ActionKind::assign, kKey, kProject, {}, {"GROUP_OWNER"}, "r");
  const Action update = make_action(ActionKind::update_roles, kKey, kProject, {"GROUP_OWNER"}, {"GROUP_READ_ONLY"}, "r");
  const Action unassign = make_action(ActionKind::unassign, kKey, kProject, {"GROUP_OWNER"}, {}, "r");
  const Action remove = make_entry_action(ActionKind::remove_access_entry, kKey, "203.0.113.7/32");
  const Action add = make_entry_action(ActionKind::add_access_entry, kKey, "203.0.113.7/32");
  const Action del = make_action(ActionKind::delete_key, kKey, std::nullopt, {}, {}, "r");
  const Action rename = make_update_key(kKey, {"old", std::nullopt}, {"new", std::nullopt});
  const Action gain = make_update_key(kKey, {std::nullopt, std::vector<std::string>{"ORG_MEMBER"}},
                                      {std::nullopt, std::vector<std::string>{"ORG_MEMBER", "ORG_OWNER"}});
  const Action loss = make_update_key(kKey, {std::nullopt, std::vector<std::string>{"ORG_MEMBER", "ORG_OWNER"}},
                                      {std::nullopt, std::vector<std::string>{"ORG_MEMBER"}});
  for (const Action* grant : {&assign, &update, &add, &rename, &gain}) CHECK(phase_of(*grant) == Phase::grant);
  for (const Action* removal : {&unassign, &remove, &loss}) CHECK(phase_of(*removal) == Phase::remove);
  CHECK(phase_of(del) == Phase::destroy);
  CHECK(static_cast<int>(Phase::destroy) == phase_count - 1);
  // A key is created before anything that may name it.
  CHECK(phase_of(keyform::testing::make_create_key("new")) == Phase::create);
  CHECK(static_cast<int>(Phase::create) == 0);
}

const Principal kAccount{"mdb_sa_id_0123456789abcdef01234567", "", "payments-deployer", PrincipalKind::service_account};

TEST_CASE("removals: what policy.max_destroy counts") {
  Plan plan;
  plan.actions = {
      make_action(ActionKind::assign, kKey, kProject, {}, {"GROUP_OWNER"}, "r"),
      make_action(ActionKind::update_roles, kKey, kProject, {"GROUP_OWNER"}, {"GROUP_READ_ONLY"}, "r"),
      make_action(ActionKind::unassign, kKey, kProject, {"GROUP_OWNER"}, {}, "r"),
      make_entry_action(ActionKind::remove_access_entry, kKey, "203.0.113.7/32"),
      make_entry_action(ActionKind::add_access_entry, kKey, "198.51.100.0/24"),
      make_update_key(kKey, {"a", std::vector<std::string>{"ORG_BILLING_ADMIN", "ORG_MEMBER", "ORG_OWNER"}},
                      {"b", std::vector<std::string>{"ORG_READ_ONLY"}}),
      make_action(ActionKind::delete_key, kKey, std::nullopt, {}, {}, "r"),
      keyform::testing::make_create_key("new"),
      make_action(ActionKind::create_service_account, kAccount, std::nullopt, {}, {}, "r"),
      make_update_key(kAccount, {std::nullopt, std::vector<std::string>{"ORG_MEMBER", "ORG_OWNER"}},
                      {std::nullopt, std::vector<std::string>{"ORG_MEMBER"}}),
      make_action(ActionKind::create_secret, kAccount, std::nullopt, {}, {}, "r"),
      make_action(ActionKind::delete_secret, kAccount, std::nullopt, {}, {}, "r"),
      make_action(ActionKind::delete_service_account, kAccount, std::nullopt, {}, {}, "r"),
  };
  plan.actions[9].kind = ActionKind::update_service_account;
  // 1 unassign + 1 entry + 3 org roles dropped + 1 delete; a create takes nothing away; for the
  // service account: 1 org role dropped, 1 secret deleted, 1 account deleted
  CHECK(plan.destroy_count() == 9);
  const PlanSummary s = plan.summary();
  CHECK(s.total() == 13);
  for (const auto& kind : kActionKinds) CHECK(s.count(kind.kind) == 1);
}

TEST_CASE("describe names an action for logs and errors") {
  Action a = make_action(ActionKind::unassign, kKey, ProjectInfo{"x", "payments-prod"}, {}, {}, "");
  CHECK(describe(a) == "unassign abcdefgh from payments-prod");
  a.kind = ActionKind::delete_key;
  a.project.reset();
  CHECK(describe(a) == "delete key abcdefgh");
  a.kind = ActionKind::assign;
  a.project = ProjectInfo{"6523b7e0c1b52d0f1a2b3c01", ""};
  CHECK(describe(a) == "assign abcdefgh to 6523b7e0c1b52d0f1a2b3c01");
  CHECK(describe(make_entry_action(ActionKind::add_access_entry, kKey, "203.0.113.7/32")) ==
        "add 203.0.113.7/32 to the access list of abcdefgh");
  CHECK(describe(make_entry_action(ActionKind::remove_access_entry, kKey, "198.51.100.0/24")) ==
        "remove 198.51.100.0/24 from the access list of abcdefgh");
  CHECK(describe(make_update_key(kKey, {"a", std::nullopt}, {"b", std::nullopt})) == "update key abcdefgh");
}

}  // namespace keyform_test_plan
