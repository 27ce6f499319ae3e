#include "core/plan_json.h"

#include <set>

#include "core/cidr.h"
#include "core/escape.h"
#include "core/ids.h"
#include "core/json_fields.h"
#include "core/plan_json_writer.h"
#include "core/principal_json.h"
#include "core/roles.h"

namespace keyform {

using nlohmann::json;
using namespace json_fields;

// The document is written once, by core/plan_json_writer; these read its text back, so the plan
// file, apply's report and `plan --format json` cannot drift apart.
namespace {

template <typename Value, typename Write>
json tree_of(const Value& value, Write write) {
  std::string text;
  JsonWriter out(text);
  write(out, value);
  return json::parse(text);
}

}  // namespace

json action_to_json(const Action& a) {
  return tree_of(a, [](JsonWriter& out, const Action& action) { write_action_json(out, action); });
}

json target_to_json(const PlanTarget& target) { return tree_of(target, write_target_json); }

json plan_to_json(const Plan& plan) { return json::parse(plan_json_text(plan)); }

namespace {

bool has_blast_radius(ActionKind kind) {
  return kind == ActionKind::delete_key || kind == ActionKind::delete_service_account;
}

// "an unassign", "a delete_key": the kind as a message names it (escaped: it may be anything).
std::string with_article(std::string_view kind) {
  const bool vowel = !kind.empty() && std::string_view("aeiou").find(kind[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + escape_text(kind);
}

ProjectInfo project_at(const json& parent, const std::string& path) {
  const json& project = object_at(parent, path, "project");
  only_fields(project, path + ".project", {"id", "name"});
  return {id_at(project, path + ".project", "id"), string_at(project, path + ".project", "name")};
}

std::vector<std::string> project_roles_at(const json& parent, const std::string& path, const char* name) {
  return roles_at(parent, path, name, is_project_role, "a project role (GROUP_ and capitals)");
}

// A deletion's assignments_before: every project the principal loses, each once, each with roles.
std::vector<ProjectRoles> assignments_at(const json& entry, const std::string& path, ActionKind kind) {
  if (!entry.contains("assignments_before")) {
    bad(path, "is " + with_article(to_string(kind)) + " without assignments_before (written by an older keyform? run plan again)");
  }
  const json& list = array_at(entry, path, "assignments_before");
  const std::string where = path + ".assignments_before";
  std::vector<ProjectRoles> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!list[i].is_object()) bad(at, std::string("is ") + type_name(list[i]) + ", expected an object");
    only_fields(list[i], at, {"project", "roles"});
    ProjectRoles lost{project_at(list[i], at), project_roles_at(list[i], at, "roles")};
    if (lost.roles.empty()) bad(at + ".roles", "is empty (no roles in a project is no access to it)");
    if (!seen.insert(lost.project.id).second) bad(at, "repeats project " + lost.project.id);
    out.push_back(std::move(lost));
  }
  return out;
}

KeyAttributes attributes_at(const json& entry, const std::string& path, const char* name, bool after) {
  const json& object = object_at(entry, path, name);
  const std::string where = path + "." + name;
  only_fields(object, where, {"desc", "org_roles"});
  KeyAttributes out;
  // A live key may have no description; the one it is given is never empty.
  if (object.contains("desc")) out.desc = after ? nonempty_string_at(object, where, "desc") : string_at(object, where, "desc");
  if (object.contains("org_roles")) {
    out.org_roles = roles_at(object, where, "org_roles", is_org_role, "an org role (ORG_ and capitals)");
    if (out.org_roles->empty()) bad(where + ".org_roles", "is empty (a key keeps at least one org role)");
  }
  return out;
}

// The project roles a project-scoped kind goes between.
void check_project_roles(const Action& a, const std::string& path) {
  const bool before = !a.roles_before.empty(), after = !a.roles_after.empty();
  switch (a.kind) {
    case ActionKind::assign:
      if (before || !after) bad(path, "is an assign that does not go from no roles to some roles");
      break;
    case ActionKind::update_roles:
      if (!before || !after) bad(path, "is an update_roles without roles before and after");
      if (std::set(a.roles_before.begin(), a.roles_before.end()) == std::set(a.roles_after.begin(), a.roles_after.end())) {
        bad(path, "is an update_roles that changes nothing");
      }
      break;
    case ActionKind::unassign:
      if (!before || after) bad(path, "is an unassign that does not go from some roles to none");
      break;
    default: break;
  }
}

// A delete_secret's secret: its id (24 hex digits, as the API lists it) and expiry as listed.
SecretInfo secret_at(const json& entry, const std::string& path) {
  const json& secret = object_at(entry, path, "secret");
  const std::string where = path + ".secret";
  only_fields(secret, where, {"id", "expires_at"});
  return {id_at(secret, where, "id"), nonempty_string_at(secret, where, "expires_at")};
}

// What the kind addresses besides the principal: a project, an access-list entry, a secret, or
// nothing.
void read_scope(Action& a, const json& entry, const std::string& path) {
  const ActionKindInfo& kind = info(a.kind);
  const bool wants_secret = kind.scope == Scope::secret;
  if (entry.contains("secret") != wants_secret) {
    bad(path, "is " + with_article(kind.name) + (wants_secret ? " without a secret" : " with a secret"));
  }
  if (wants_secret) a.secret = secret_at(entry, path);
  const bool wants_project = kind.scope == Scope::project, wants_entry = kind.scope == Scope::access_entry;
  if (entry.contains("project") != wants_project) {
    bad(path, "is " + with_article(kind.name) + (wants_project ? " without a project" : " with a project"));
  }
  if (entry.contains("entry") != wants_entry) {
    bad(path, "is " + with_article(kind.name) + (wants_entry ? " without an entry" : " with an access-list entry"));
  }
  if (wants_project) a.project = project_at(entry, path);
  if (wants_entry) {
    a.entry = nonempty_string_at(entry, path, "entry");
    // What the executor sends is built from it: only the canonical form the planner writes.
    const IpNetworkParse parsed = parse_ip_network(*a.entry);
    if (!parsed.network || parsed.network->to_string() != *a.entry) {
      bad(path + ".entry", "is not a canonical access-list entry (like \"203.0.113.7/32\")");
    }
  }
}

// create_key: after only, the new key's description (its name in the plan) and org roles.
void read_new_key_attributes(Action& a, const json& entry, const std::string& path) {
  if (entry.contains("before")) bad(path, "is a create_key with before (a new key has nothing before)");
  a.after = attributes_at(entry, path, "after", true);
  if (!a.after.desc || *a.after.desc != a.key.desc) bad(path + ".after.desc", "is not the new key's key.desc");
  if (!a.after.org_roles) bad(path + ".after", "has no org_roles (a key is created with at least one)");
}

bool has_attributes(ActionKind kind) {
  switch (kind) {
    case ActionKind::create_key:
    case ActionKind::update_key:
    case ActionKind::create_service_account:
    case ActionKind::update_service_account:
    case ActionKind::create_secret: return true;
    default: return false;
  }
}

// update_key: before and after name the same fields, and every one of them changes.
void read_attributes(Action& a, const json& entry, const std::string& path) {
  if (!has_attributes(a.kind)) {
    if (entry.contains("before") || entry.contains("after")) {
      bad(path, "is " + with_article(to_string(a.kind)) +
                    " with before/after (only the creates and updates have them)");
    }
    return;
  }
  if (a.key.is_service_account()) return read_service_account_attributes(a, entry, path);
  if (a.kind == ActionKind::create_key) return read_new_key_attributes(a, entry, path);
  a.before = attributes_at(entry, path, "before", false);
  a.after = attributes_at(entry, path, "after", true);
  if (a.after.empty()) bad(path, "is an update_key that changes nothing");
  if (a.before.desc.has_value() != a.after.desc.has_value() ||
      a.before.org_roles.has_value() != a.after.org_roles.has_value()) {
    bad(path, "is an update_key whose before and after name different fields");
  }
  if (a.before.desc && *a.before.desc == *a.after.desc) bad(path, "is an update_key that does not change desc");
  if (a.before.org_roles && *a.before.org_roles == *a.after.org_roles) {
    bad(path, "is an update_key that does not change org_roles");
  }
}

}  // namespace

Action action_from_json(const json& entry, const std::string& path, bool skipped) {
  if (!entry.is_object()) bad(path, std::string("is ") + type_name(entry) + ", expected an object");
  if (skipped) {
    only_fields(entry, path, {"action", "key", "service_account", "project", "entry", "secret", "roles_before",
                              "roles_after", "before", "after", "reason_code", "reason", "assignments_before",
                              "skip_reason"});
  } else {
    only_fields(entry, path, {"action", "key", "service_account", "project", "entry", "secret", "roles_before",
                              "roles_after", "before", "after", "reason_code", "reason", "assignments_before"});
  }
  Action a;
  const std::string kind = string_at(entry, path, "action");
  auto parsed_kind = action_kind_from_string(kind);
  if (!parsed_kind) bad(path + ".action", "is an unknown action \"" + escape_text(kind) + "\"");
  a.kind = *parsed_kind;

  a.key = principal_at(entry, path, a.kind);
  read_scope(a, entry, path);
  a.roles_before = project_roles_at(entry, path, "roles_before");
  a.roles_after = project_roles_at(entry, path, "roles_after");
  if (info(a.kind).scope == Scope::project) {
    check_project_roles(a, path);
  } else if (!a.roles_before.empty() || !a.roles_after.empty()) {
    bad(path, "is " + with_article(kind) + " with project roles");
  }
  read_attributes(a, entry, path);

  if (!entry.contains("reason_code")) bad(path, "has no \"reason_code\" (written by an older keyform? run plan again)");
  const std::string code = string_at(entry, path, "reason_code");
  auto parsed_code = reason_code_from_string(code);
  if (!parsed_code) bad(path + ".reason_code", "is an unknown reason code \"" + escape_text(code) + "\"");
  a.reason_code = *parsed_code;
  a.reason = nonempty_string_at(entry, path, "reason");

  // The blast radius a reviewer approved travels with the deletion, and only with a deletion.
  if (has_blast_radius(a.kind)) {
    a.assignments_before = assignments_at(entry, path, a.kind);
  } else if (entry.contains("assignments_before")) {
    bad(path, "is " + with_article(kind) + " with assignments_before (only a deletion has them)");
  }
  return a;
}

}  // namespace keyform
