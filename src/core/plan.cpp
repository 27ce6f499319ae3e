#include "core/plan.h"

namespace keyform {

std::string_view to_string(ActionKind kind) {
  switch (kind) {
    case ActionKind::assign: return "assign";
    case ActionKind::update_roles: return "update_roles";
    case ActionKind::unassign: return "unassign";
    case ActionKind::delete_key: return "delete_key";
  }
  return "unknown";
}

std::optional<ActionKind> action_kind_from_string(std::string_view text) {
  for (auto kind : {ActionKind::assign, ActionKind::update_roles, ActionKind::unassign,
                    ActionKind::delete_key}) {
    if (to_string(kind) == text) return kind;
  }
  return std::nullopt;
}

int phase_of(ActionKind kind) {
  switch (kind) {
    case ActionKind::assign:
    case ActionKind::update_roles: return 0;
    case ActionKind::unassign: return 1;
    case ActionKind::delete_key: return 2;
  }
  return 0;
}

PlanSummary Plan::summary() const {
  PlanSummary s;
  for (const auto& a : actions) {
    switch (a.kind) {
      case ActionKind::assign: ++s.assign; break;
      case ActionKind::update_roles: ++s.update_roles; break;
      case ActionKind::unassign: ++s.unassign; break;
      case ActionKind::delete_key: ++s.delete_key; break;
    }
  }
  return s;
}

namespace {
std::string key_label(const KeyInfo& key) { return key.public_key.empty() ? key.id : key.public_key; }
std::string project_label(const std::optional<ProjectInfo>& p) {
  if (!p) return "";
  return p->name.empty() ? p->id : p->name;
}
}  // namespace

std::string describe(const Action& action) {
  const auto key = key_label(action.key);
  const auto project = project_label(action.project);
  switch (action.kind) {
    case ActionKind::assign: return "assign " + key + " to " + project;
    case ActionKind::update_roles: return "update roles of " + key + " in " + project;
    case ActionKind::unassign: return "unassign " + key + " from " + project;
    case ActionKind::delete_key: return "delete key " + key;
  }
  return key;
}

}  // namespace keyform
