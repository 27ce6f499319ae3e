#include "core/verify.h"

namespace keyform {
namespace {

std::string roles_text(const std::vector<std::string>& roles) {
  std::string text = "[";
  for (std::size_t i = 0; i < roles.size(); ++i) text += (i ? ", " : "") + roles[i];
  return text + "]";
}

const LiveKey* find_key(const LiveState& live, const std::string& id) {
  for (const auto& key : live.keys) {
    if (key.id == id) return &key;
  }
  return nullptr;
}

// Why `action` does not hold in `live`, or empty when it does.
std::string difference(const Action& action, const LiveState& live) {
  const LiveKey* key = find_key(live, action.key.id);
  if (action.kind == ActionKind::delete_key) return key ? "the key still exists" : "";
  if (!key) return action.kind == ActionKind::unassign ? "" : "the key no longer exists";
  auto roles = key->project_roles.find(action.project->id);
  if (action.kind == ActionKind::unassign) {
    return roles == key->project_roles.end() ? "" : "the key still has " + roles_text(roles->second) + " there";
  }
  if (roles == key->project_roles.end()) return "the key is not assigned there";
  if (roles->second != action.roles_after) {
    return "the key has " + roles_text(roles->second) + " there, not " + roles_text(action.roles_after);
  }
  return "";
}

}  // namespace

std::vector<std::string> unapplied_changes(const std::vector<Action>& done, const LiveState& live) {
  std::vector<std::string> out;
  for (const auto& action : done) {
    if (std::string why = difference(action, live); !why.empty()) out.push_back(describe(action) + ": " + why);
  }
  return out;
}

}  // namespace keyform
