#include "core/verify.h"

#include <algorithm>

#include <map>

namespace keyform {
namespace {

std::string roles_text(const std::vector<std::string>& roles) {
  std::string text = "[";
  for (std::size_t i = 0; i < roles.size(); ++i) text += (i ? ", " : "") + roles[i];
  return text + "]";
}

using KeysById = std::map<std::string, const LiveKey*>;

std::string project_difference(const Action& action, const LiveKey& key) {
  auto roles = key.project_roles.find(action.project->id);
  if (action.kind == ActionKind::unassign) {
    return roles == key.project_roles.end() ? "" : "the key still has " + roles_text(roles->second) + " there";
  }
  if (roles == key.project_roles.end()) return "the key is not assigned there";
  if (roles->second != action.roles_after) {
    return "the key has " + roles_text(roles->second) + " there, not " + roles_text(action.roles_after);
  }
  return "";
}

std::string attributes_difference(const Action& action, const LiveKey& key) {
  if (action.after.desc && key.desc != *action.after.desc) return "the key's description is \"" + key.desc + "\"";
  if (action.after.org_roles && key.org_roles != *action.after.org_roles) {
    return "the key has org roles " + roles_text(key.org_roles) + ", not " + roles_text(*action.after.org_roles);
  }
  return "";
}

std::string entry_difference(const Action& action, const LiveKey& key) {
  if (!key.access_list) return "";  // not read again: nothing to compare with
  const auto& list = *key.access_list;
  const bool present = std::find(list.begin(), list.end(), *action.entry) != list.end();
  if (action.kind == ActionKind::add_access_entry) return present ? "" : "the entry is not in the access list";
  return present ? "the entry is still in the access list" : "";
}

// Why `action` does not hold in the live org, or empty when it does.
std::string difference(const Action& action, const KeysById& keys) {
  auto found = keys.find(action.key.id);
  const LiveKey* key = found == keys.end() ? nullptr : found->second;
  if (action.kind == ActionKind::delete_key) return key ? "the key still exists" : "";
  if (!key) return action.removes() && action.kind != ActionKind::update_key ? "" : "the key no longer exists";
  switch (info(action.kind).scope) {
    case Scope::project: return project_difference(action, *key);
    case Scope::access_entry: return entry_difference(action, *key);
    case Scope::key: break;
  }
  return attributes_difference(action, *key);
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
