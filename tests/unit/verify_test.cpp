#include "core/verify.h"

#include <doctest/doctest.h>

namespace keyform_test_verify {

using namespace keyform;

namespace {

const std::string kProd = "6523b7e0c1b52d0f1a2b3c01";
const std::string kKey = "65f0c0ffee00000000000002";

Action action(ActionKind kind, std::vector<std::string> after = {}) {
  Action a;
  a.kind = kind;
  a.key = {kKey, "other001", ""};
  if (kind != ActionKind::delete_key) a.project = ProjectInfo{kProd, "payments-prod"};
  a.roles_after = std::move(after);
  return a;
}

LiveState with_key(std::map<std::string, std::vector<std::string>> projects) {
  LiveState live;
  live.keys = {{kKey, "other001", "", std::move(projects), {"ORG_MEMBER"}}};
  return live;
}

}  // namespace

TEST_CASE("every done action visible in the fresh read: no difference") {
  CHECK(unapplied_changes({action(ActionKind::assign, {"GROUP_READ_ONLY"})}, with_key({{kProd, {"GROUP_READ_ONLY"}}}))
            .empty());
  CHECK(unapplied_changes({action(ActionKind::unassign)}, with_key({})).empty());
  CHECK(unapplied_changes({action(ActionKind::delete_key)}, LiveState{}).empty());
  CHECK(unapplied_changes({action(ActionKind::unassign)}, LiveState{}).empty());  // the key is gone altogether
}

TEST_CASE("a done action the org does not show is reported, with what the org shows instead") {
  CHECK(unapplied_changes({action(ActionKind::unassign)}, with_key({{kProd, {"GROUP_OWNER"}}})) ==
        std::vector<std::string>{"unassign other001 from payments-prod: the key still has [GROUP_OWNER] there"});
  CHECK(unapplied_changes({action(ActionKind::delete_key)}, with_key({})) ==
        std::vector<std::string>{"delete key other001: the key still exists"});
  CHECK(unapplied_changes({action(ActionKind::update_roles, {"GROUP_OWNER"})}, with_key({{kProd, {"GROUP_READ_ONLY"}}})) ==
        std::vector<std::string>{
            "update roles of other001 in payments-prod: the key has [GROUP_READ_ONLY] there, not [GROUP_OWNER]"});
  CHECK(unapplied_changes({action(ActionKind::assign, {"GROUP_OWNER"})}, with_key({})) ==
        std::vector<std::string>{"assign other001 to payments-prod: the key is not assigned there"});
  CHECK(unapplied_changes({action(ActionKind::assign, {"GROUP_OWNER"})}, LiveState{}) ==
        std::vector<std::string>{"assign other001 to payments-prod: the key no longer exists"});
}

}  // namespace keyform_test_verify
