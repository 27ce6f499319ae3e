#include "core/plan.h"

#include <doctest/doctest.h>

using namespace keyform;

TEST_CASE("action kinds round-trip through their names") {
  for (auto kind : {ActionKind::assign, ActionKind::update_roles, ActionKind::unassign, ActionKind::delete_key}) {
    CHECK(action_kind_from_string(to_string(kind)) == kind);
  }
  CHECK_FALSE(action_kind_from_string("destroy").has_value());
}

TEST_CASE("phases: grants before unassigns before deletes") {
  CHECK(phase_of(ActionKind::assign) == phase_of(ActionKind::update_roles));
  CHECK(phase_of(ActionKind::update_roles) < phase_of(ActionKind::unassign));
  CHECK(phase_of(ActionKind::unassign) < phase_of(ActionKind::delete_key));
  CHECK(phase_of(ActionKind::delete_key) == phase_count - 1);
}

TEST_CASE("describe names an action for logs and errors") {
  Action a{ActionKind::unassign, {"65f0c0ffee0000000000000a", "abcdefgh", ""}, ProjectInfo{"x", "payments-prod"}, {}, {}, ""};
  CHECK(describe(a) == "unassign abcdefgh from payments-prod");
  a.kind = ActionKind::delete_key;
  a.project.reset();
  CHECK(describe(a) == "delete key abcdefgh");
  a.kind = ActionKind::assign;
  a.project = ProjectInfo{"6523b7e0c1b52d0f1a2b3c01", ""};
  CHECK(describe(a) == "assign abcdefgh to 6523b7e0c1b52d0f1a2b3c01");
}
