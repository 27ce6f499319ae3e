// stale_details (declared in core/plan_file.h): for a saved plan whose fingerprint no longer
// matches, the lines that say where the org moved under the actions a reviewer approved.
#include <algorithm>
#include <map>

#include "core/escape.h"
#include "core/plan_file.h"

namespace keyform {
namespace {

using ProjectNames = std::map<std::string, std::string>;
using RolesByProject = std::map<std::string, std::vector<std::string>>;

// What the org holds now for the principal an action names.
struct Holder {
  std::string label;        // "key oldkey01 (65f0…)", "service account payments (mdb_sa_id_…)"
  std::string short_label;  // "key oldkey01", "service account payments"
  const RolesByProject* project_roles = nullptr;                     // null when not read
  const std::optional<std::vector<std::string>>* access_list = nullptr;  // null when there is none
};

Holder holder_of(const LiveKey& k) {
  return {"key " + escape_text(k.public_key) + " (" + escape_text(k.id) + ")", "key " + escape_text(k.public_key),
          &k.project_roles, &k.access_list};
}

Holder holder_of(const LiveServiceAccount& sa) {
  const std::string name = "service account \"" + escape_text(sa.name) + "\"";
  return {name + " (" + escape_text(sa.client_id) + ")", name, sa.project_roles ? &*sa.project_roles : nullptr,
          &sa.access_list};
}

std::string role_list(std::vector<std::string> roles) {
  std::sort(roles.begin(), roles.end());
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ", ") + escape_text(r);
  return "[" + out + "]";
}

// Where a saved deletion's blast radius is no longer what the reviewer saw.
std::optional<std::string> lost_access_changed(const Action& a, const Holder& h) {
  if (!h.project_roles) return std::nullopt;  // not read now: the fingerprint decides
  RolesByProject saved, now = *h.project_roles;
  for (const auto& p : a.assignments_before) saved[p.project.id] = p.roles;
  for (auto* side : {&saved, &now}) {
    for (auto& [_, roles] : *side) std::sort(roles.begin(), roles.end());
  }
  if (saved == now) return std::nullopt;
  return h.label + " is to be deleted, but its project access is no longer what the plan shows it losing (" +
         std::to_string(now.size()) + " project(s) now, " + std::to_string(saved.size()) + " in the plan)";
}

std::optional<std::string> project_changed(const Action& a, const Holder& h, const ProjectNames& names) {
  const std::string project_id = escape_text(a.project->id);
  auto name = names.find(a.project->id);
  if (name == names.end()) return "project " + escape_text(a.project->name) + " (" + project_id + ") no longer exists";
  if (name->second != a.project->name) {
    return "project " + project_id + " is now named \"" + escape_text(name->second) + "\", not \"" +
           escape_text(a.project->name) + "\"";
  }
  if (!h.project_roles) return std::nullopt;
  auto roles = h.project_roles->find(a.project->id);
  std::vector<std::string> now = roles == h.project_roles->end() ? std::vector<std::string>{} : roles->second;
  if (role_list(now) == role_list(a.roles_before)) return std::nullopt;
  return h.short_label + " in " + escape_text(a.project->name) + " now has " + role_list(now) + "; the plan expected " +
         role_list(a.roles_before);
}

std::optional<std::string> entry_changed(const Action& a, const Holder& h) {
  if (!h.access_list || !*h.access_list) return std::nullopt;  // not read now: the fingerprint decides
  const auto& list = **h.access_list;
  const bool present = std::find(list.begin(), list.end(), *a.entry) != list.end();
  if (present == (a.kind == ActionKind::remove_access_entry)) return std::nullopt;
  return h.label + (present ? " already has " : " no longer has ") + escape_text(*a.entry) + " in its access list";
}

// An update's `before` is what the reviewer saw the principal change from.
std::optional<std::string> attributes_changed(const Action& a, const Holder& h, const std::string* name,
                                              const std::string& desc, const std::vector<std::string>& org_roles) {
  if (name && a.before.name && *a.before.name != *name) {
    return h.label + " is now named \"" + escape_text(*name) + "\"; the plan expected \"" + escape_text(*a.before.name) + "\"";
  }
  if (a.before.desc && *a.before.desc != desc) {
    return h.label + " now has the description \"" + escape_text(desc) + "\"; the plan expected \"" +
           escape_text(*a.before.desc) + "\"";
  }
  if (a.before.org_roles && *a.before.org_roles != org_roles) {
    return h.label + " now has org roles " + role_list(org_roles) + "; the plan expected " + role_list(*a.before.org_roles);
  }
  return std::nullopt;
}

std::optional<std::string> secret_gone(const Action& a, const Holder& h, const LiveServiceAccount& sa) {
  const bool listed = std::any_of(sa.secrets.begin(), sa.secrets.end(),
                                  [&](const LiveSecret& s) { return s.id == a.secret->id; });
  if (listed) return std::nullopt;
  return "secret " + escape_text(a.secret->id) + " of " + h.label + " no longer exists";
}

std::optional<std::string> key_stale(const Action& a, const LiveKey& key, const ProjectNames& names) {
  const Holder h = holder_of(key);
  switch (info(a.kind).scope) {
    case Scope::project: return project_changed(a, h, names);
    case Scope::access_entry: return entry_changed(a, h);
    case Scope::key:
    case Scope::secret: break;
  }
  if (a.kind == ActionKind::delete_key) return lost_access_changed(a, h);
  return attributes_changed(a, h, nullptr, key.desc, key.org_roles);
}

std::optional<std::string> account_stale(const Action& a, const LiveServiceAccount& sa, const ProjectNames& names) {
  const Holder h = holder_of(sa);
  switch (info(a.kind).scope) {
    case Scope::project: return project_changed(a, h, names);
    case Scope::access_entry: return entry_changed(a, h);
    case Scope::secret: return secret_gone(a, h, sa);
    case Scope::key: break;
  }
  if (a.kind == ActionKind::delete_service_account) return lost_access_changed(a, h);
  if (a.kind == ActionKind::update_service_account) return attributes_changed(a, h, &sa.name, sa.description, sa.org_roles);
  return std::nullopt;
}

// A principal the plan creates must still be missing (else the apply would make a second one
// with that description or name), and the projects it is to be given must still be there under
// the same names.
std::optional<std::string> new_principal_stale(const Action& a, const LiveState& live, const ProjectNames& names) {
  if (a.kind == ActionKind::create_key) {
    for (const auto& k : live.keys) {
      if (k.desc != a.key.desc) continue;
      return "a key with the description \"" + escape_text(a.key.desc) + "\" now exists (" + escape_text(k.public_key) +
             ", id " + escape_text(k.id) + "); the plan would create another";
    }
  }
  if (a.kind == ActionKind::create_service_account) {
    for (const auto& sa : live.service_accounts) {
      if (sa.name != a.key.desc) continue;
      return "a service account named \"" + escape_text(sa.name) + "\" now exists (" + escape_text(sa.client_id) +
             "); the plan would create another";
    }
  }
  if (info(a.kind).scope == Scope::project) return project_changed(a, Holder{}, names);
  return std::nullopt;
}

std::optional<std::string> action_stale(const Action& a, const LiveState& live, const ProjectNames& names) {
  if (a.key.is_new()) return new_principal_stale(a, live, names);
  if (a.key.is_service_account()) {
    if (!live.service_accounts_read) return std::nullopt;  // not read now: the fingerprint decides
    for (const auto& sa : live.service_accounts) {
      if (sa.client_id == a.key.id) return account_stale(a, sa, names);
    }
    return "service account \"" + escape_text(a.key.desc) + "\" (" + escape_text(a.key.id) + ") no longer exists";
  }
  for (const auto& k : live.keys) {
    if (k.id == a.key.id) return key_stale(a, k, names);
  }
  return "key " + escape_text(a.key.public_key) + " (" + escape_text(a.key.id) + ") no longer exists";
}

}  // namespace

std::vector<std::string> stale_details(const Plan& plan, const LiveState& live, std::size_t limit) {
  ProjectNames names;
  for (const auto& p : live.projects) names[p.id] = p.name;
  std::vector<std::string> out;
  for (const auto& a : plan.actions) {
    if (out.size() >= limit) break;
    if (auto changed = action_stale(a, live, names)) out.push_back(*changed);
  }
  return out;
}

}  // namespace keyform
