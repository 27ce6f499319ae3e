#include "core/permissions.h"

#include <algorithm>
#include <map>
#include <optional>

namespace keyform {
namespace {

constexpr std::size_t kNamedActions = 5;
using ProjectRoleMap = std::map<std::string, std::vector<std::string>>;

bool has(const std::vector<std::string>& roles, std::string_view role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// "delete key oldci001, delete key contrac1 and 3 more"
std::string list_actions(const std::vector<const Action*>& actions) {
  std::string text;
  for (std::size_t i = 0; i < actions.size() && i < kNamedActions; ++i) text += (i ? ", " : "") + describe(*actions[i]);
  if (actions.size() > kNamedActions) text += " and " + std::to_string(actions.size() - kNamedActions) + " more";
  return text;
}

std::string count_actions(std::size_t n) { return std::to_string(n) + (n == 1 ? " action" : " actions"); }

// What the listings say of the principal keyform runs as.
struct SelfRoles {
  std::string who;  // "the key keyform runs as (selfkey1)"
  std::vector<std::string> org_roles;
  const ProjectRoleMap* project_roles = nullptr;  // null: not read
};

std::optional<SelfRoles> find_self(const LiveState& live, std::string_view self) {
  if (self.empty()) return std::nullopt;
  for (const auto& key : live.keys) {
    if (key.public_key == self) return SelfRoles{"the key keyform runs as (" + key.public_key + ")", key.org_roles, &key.project_roles};
  }
  for (const auto& sa : live.service_accounts) {
    if (sa.client_id != self) continue;
    return SelfRoles{"the service account keyform runs as (" + sa.name + ", " + sa.client_id + ")", sa.org_roles,
                     sa.project_roles ? &*sa.project_roles : nullptr};
  }
  return std::nullopt;
}

// Inviting a service account to a project is an org owner's call, unlike assigning a key.
bool needs_org_owner(const Action& action) {
  if (info(action.kind).scope != Scope::project) return true;
  return action.kind == ActionKind::assign && action.key.is_service_account();
}

struct Blocked {
  std::vector<const Action*> deletes, org_changes;  // org-level calls: ORG_OWNER only
  std::map<std::string, std::vector<const Action*>> by_project;  // project id -> actions
  std::map<std::string, std::string> project_names;
};

Blocked blocked_actions(const Plan& plan, const SelfRoles& self) {
  Blocked out;
  for (const auto& action : plan.actions) {
    if (needs_org_owner(action)) {
      (info(action.kind).phase == Phase::destroy ? out.deletes : out.org_changes).push_back(&action);
      continue;
    }
    if (!self.project_roles) continue;  // not read: no guess
    const ProjectInfo& project = *action.project;
    auto roles = self.project_roles->find(project.id);
    if (roles != self.project_roles->end() && has(roles->second, "GROUP_OWNER")) continue;
    out.by_project[project.id].push_back(&action);
    out.project_names[project.id] = project.name;
  }
  return out;
}

}  // namespace

std::vector<PlanWarning> permission_warnings(const Plan& plan, const LiveState& live, std::string_view self_id) {
  const std::optional<SelfRoles> self = find_self(live, self_id);
  if (!self || has(self->org_roles, "ORG_OWNER")) return {};
  const Blocked blocked = blocked_actions(plan, *self);

  std::vector<PlanWarning> warnings;
  if (!blocked.deletes.empty()) {
    warnings.push_back({"permission_delete", self->who + " is not ORG_OWNER, which deleting a key or service account needs: "
                       "the API will refuse " + count_actions(blocked.deletes.size()) + " with 403: " +
                       list_actions(blocked.deletes)});
  }
  if (!blocked.org_changes.empty()) {
    warnings.push_back({"permission_org_owner", self->who + " is not ORG_OWNER, which creating or changing a key or "
                       "service account (description, name, org roles, access list, secrets) and inviting a service "
                       "account to a project need: the API will refuse " + count_actions(blocked.org_changes.size()) +
                       " with 403: " + list_actions(blocked.org_changes)});
  }
  for (const auto& [project_id, actions] : blocked.by_project) {
    const std::string& name = blocked.project_names.at(project_id);
    warnings.push_back({"permission_project", self->who + " has neither ORG_OWNER nor GROUP_OWNER in project " +
                       (name.empty() ? project_id : name + " (" + project_id + ")") + ": the API will refuse " +
                       count_actions(actions.size()) + " there with 403: " + list_actions(actions)});
  }
  return warnings;
}

}  // namespace keyform
