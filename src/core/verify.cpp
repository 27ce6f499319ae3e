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
using AccountsById = std::map<std::string, const LiveServiceAccount*>;
using ProjectRolesMap = std::map<std::string, std::vector<std::string>>;

// What a fresh read shows of one principal, key or service account alike.
struct Seen {
  std::string noun;                  // "the key", "the service account"
  const ProjectRolesMap* projects;   // null when not read
  const std::optional<std::vector<std::string>>* access_list;
};

std::string project_difference(const Action& action, const Seen& seen) {
  if (!seen.projects) return "";  // not read again: nothing to compare with
  auto roles = seen.projects->find(action.project->id);
  if (action.kind == ActionKind::unassign) {
    return roles == seen.projects->end() ? "" : seen.noun + " still has " + roles_text(roles->second) + " there";
  }
  if (roles == seen.projects->end()) return seen.noun + " is not assigned there";
  if (roles->second != action.roles_after) {
    return seen.noun + " has " + roles_text(roles->second) + " there, not " + roles_text(action.roles_after);
  }
  return "";
}

std::string entry_difference(const Action& action, const Seen& seen) {
  if (!*seen.access_list) return "";  // not read again: nothing to compare with
  const auto& list = **seen.access_list;
  const bool present = std::find(list.begin(), list.end(), *action.entry) != list.end();
  if (action.kind == ActionKind::add_access_entry) return present ? "" : "the entry is not in the access list";
  return present ? "the entry is still in the access list" : "";
}

std::string org_roles_difference(const Action& action, const std::string& noun, const std::vector<std::string>& roles) {
  if (action.after.org_roles && roles != *action.after.org_roles) {
    return noun + " has org roles " + roles_text(roles) + ", not " + roles_text(*action.after.org_roles);
  }
  return "";
}

// Why `action` does not hold in the live org, or empty when it does.
std::string difference(const Action& action, const KeysById& keys) {
  auto found = keys.find(action.key.id);
  const LiveKey* key = found == keys.end() ? nullptr : found->second;
  if (action.kind == ActionKind::delete_key) return key ? "the key still exists" : "";
  if (!key) return action.removes() && action.kind != ActionKind::update_key ? "" : "the key no longer exists";
  const Seen seen{"the key", &key->project_roles, &key->access_list};
  switch (info(action.kind).scope) {
    case Scope::project: return project_difference(action, seen);
    case Scope::access_entry: return entry_difference(action, seen);
    case Scope::key:
    case Scope::secret: break;
  }
  if (action.after.desc && key->desc != *action.after.desc) return "the key's description is \"" + key->desc + "\"";
  return org_roles_difference(action, "the key", key->org_roles);
}

std::string account_attributes_difference(const Action& action, const LiveServiceAccount& account) {
  if (action.after.name && account.name != *action.after.name) return "its name is \"" + account.name + "\"";
  if (action.after.desc && account.description != *action.after.desc) {
    return "its description is \"" + account.description + "\"";
  }
  return org_roles_difference(action, "the service account", account.org_roles);
}

std::string difference(const Action& action, const AccountsById& accounts) {
  auto found = accounts.find(action.key.id);
  const LiveServiceAccount* account = found == accounts.end() ? nullptr : found->second;
  if (action.kind == ActionKind::delete_service_account) return account ? "the service account still exists" : "";
  const bool takes = action.removes() && action.kind != ActionKind::update_service_account;
  if (!account) return takes ? "" : "the service account no longer exists";
  const Seen seen{"the service account", account->project_roles ? &*account->project_roles : nullptr,
                  &account->access_list};
  switch (action.kind) {
    case ActionKind::create_secret: return "";  // its id is known only to the apply that made it
    case ActionKind::delete_secret: {
      const bool listed = std::any_of(account->secrets.begin(), account->secrets.end(),
                                      [&](const LiveSecret& s) { return s.id == action.secret->id; });
      return listed ? "the secret still exists" : "";
    }
    case ActionKind::create_service_account:
    case ActionKind::update_service_account: return account_attributes_difference(action, *account);
    default: break;
  }
  return info(action.kind).scope == Scope::project ? project_difference(action, seen) : entry_difference(action, seen);
}

}  // namespace

std::vector<std::string> unapplied_changes(const std::vector<Action>& done, const LiveState& live) {
  KeysById keys;  // one lookup per action, not one scan of the org
  for (const auto& key : live.keys) keys.emplace(key.id, &key);
  AccountsById accounts;
  for (const auto& account : live.service_accounts) accounts.emplace(account.client_id, &account);
  std::vector<std::string> out;
  for (const auto& action : done) {
    const std::string why = action.key.is_service_account() ? difference(action, accounts) : difference(action, keys);
    if (!why.empty()) out.push_back(describe(action) + ": " + why);
  }
  return out;
}

}  // namespace keyform
