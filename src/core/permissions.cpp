#include "core/permissions.h"

#include <algorithm>
#include <map>

namespace keyform {
namespace {

constexpr std::size_t kNamedActions = 5;

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

const LiveKey* find_self(const LiveState& live, std::string_view self_public_key) {
  if (self_public_key.empty()) return nullptr;
  for (const auto& key : live.keys) {
    if (key.public_key == self_public_key) return &key;
  }
  return nullptr;
}

}  // namespace

std::vector<PlanWarning> permission_warnings(const Plan& plan, const LiveState& live, std::string_view self_public_key) {
  const LiveKey* self = find_self(live, self_public_key);
  if (!self || has(self->org_roles, "ORG_OWNER")) return {};
  const std::string who = "the key keyform runs as (" + self->public_key + ")";

  std::vector<const Action*> deletes, key_changes;  // org-level calls: ORG_OWNER only
  std::map<std::string, std::vector<const Action*>> blocked_by_project;  // project id -> actions
  std::map<std::string, std::string> project_names;
  for (const auto& action : plan.actions) {
    if (action.kind == ActionKind::delete_key) {
      deletes.push_back(&action);
      continue;
    }
    if (info(action.kind).scope != Scope::project) {
      key_changes.push_back(&action);
      continue;
    }
    const ProjectInfo& project = *action.project;
    auto roles = self->project_roles.find(project.id);
    if (roles != self->project_roles.end() && has(roles->second, "GROUP_OWNER")) continue;
    blocked_by_project[project.id].push_back(&action);
    project_names[project.id] = project.name;
  }

  std::vector<PlanWarning> warnings;
  if (!deletes.empty()) {
    warnings.push_back({"permission_delete", who + " is not ORG_OWNER, which deleting a key needs: the API will refuse " +
                       count_actions(deletes.size()) + " with 403: " + list_actions(deletes)});
  }
  if (!key_changes.empty()) {
    warnings.push_back({"permission_org_owner", who + " is not ORG_OWNER, which creating a key or changing a key's description, org roles or access list "
                       "needs: the API will refuse " + count_actions(key_changes.size()) + " with 403: " +
                       list_actions(key_changes)});
  }
  for (const auto& [project_id, actions] : blocked_by_project) {
    const std::string& name = project_names[project_id];
    warnings.push_back({"permission_project", who + " has neither ORG_OWNER nor GROUP_OWNER in project " +
                       (name.empty() ? project_id : name + " (" + project_id + ")") + ": the API will refuse " +
                       count_actions(actions.size()) + " there with 403: " + list_actions(actions)});
  }
  return warnings;
}

}  // namespace keyform
