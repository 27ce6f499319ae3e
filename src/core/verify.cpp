#include "core/verify.h"

#include <map>

namespace keyform {
namespace {

std::string roles_text(const std::vector<std::string>& roles) {
  std::string text = "[";
  for (std::size_t i = 0; i < roles.size(); ++i) text += (i ? ", " : "") + roles[i];
  return text + "]";
}

using KeysById = std::map<std::string, const LiveKey*>;

// Why `action` does not hold in the live org, or empty when it does.
std::string difference(const Action& action, const KeysById& keys) {
  auto found = keys.find(action.key.id);
  const LiveKey* key = found == keys.end() ? nullptr : found->second;
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
  KeysById keys;  // one lookup per action, not one scan of the org
  for (const auto& key : live.keys) keys.emplace(key.id, &key);
  std::vector<std::string> out;
  for (const auto& action : done) {
    if (std::string why = difference(action, keys); !why.empty()) out.push_back(describe(action) + ": " + why);
  }
  return out;
}

}  // namespace keyform
