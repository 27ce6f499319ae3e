// Plan actions as the planner makes them, for tests that build plans by hand.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/plan.h"

namespace keyform::testing {

inline ReasonCode usual_reason_code(ActionKind kind) {
  switch (kind) {
    case ActionKind::update_roles: return ReasonCode::roles_differ;
    case ActionKind::unassign: return ReasonCode::not_declared_for_key;
    case ActionKind::delete_key: return ReasonCode::declared_absent;
    case ActionKind::update_key: return ReasonCode::attributes_differ;
    case ActionKind::remove_access_entry: return ReasonCode::access_entry_not_declared;
    case ActionKind::add_access_entry: return ReasonCode::access_entry_declared;
    case ActionKind::create_key: return ReasonCode::no_key_with_desc;
    default: return ReasonCode::declared;
  }
}

// A project-scoped action (or a delete_key with `project` unset and its blast radius in `lost`).
inline Action make_action(ActionKind kind, Principal key, std::optional<ProjectInfo> project,
                          std::vector<std::string> roles_before, std::vector<std::string> roles_after, std::string reason,
                          std::vector<ProjectRoles> lost = {}) {
  Action a;
  a.kind = kind;
  a.key = std::move(key);
  a.project = std::move(project);
  a.roles_before = std::move(roles_before);
  a.roles_after = std::move(roles_after);
  a.reason_code = usual_reason_code(kind);
  a.reason = std::move(reason);
  a.assignments_before = std::move(lost);
  return a;
}

inline Action make_entry_action(ActionKind kind, Principal key, std::string entry, std::string reason = "access list differs") {
  Action a = make_action(kind, std::move(key), std::nullopt, {}, {}, std::move(reason));
  a.entry = std::move(entry);
  return a;
}

inline Action make_update_key(Principal key, KeyAttributes before, KeyAttributes after,
                              std::string reason = "attributes differ") {
  Action a = make_action(ActionKind::update_key, std::move(key), std::nullopt, {}, {}, std::move(reason));
  a.before = std::move(before);
  a.after = std::move(after);
  return a;
}

// A create_key for a key named by `desc` (no id yet), with these org roles.
inline Action make_create_key(const std::string& desc, std::vector<std::string> org_roles = {"ORG_MEMBER"}) {
  Action a = make_action(ActionKind::create_key, {"", "", desc}, std::nullopt, {}, {},
                         "no key in the org has this description");
  a.after = {desc, std::move(org_roles)};
  return a;
}

}  // namespace keyform::testing
