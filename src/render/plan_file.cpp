#include "render/plan_file.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/escape.h"
#include "core/fingerprint.h"
#include "core/ids.h"
#include "core/url.h"
#include "render/render.h"

namespace keyform {
namespace {

using nlohmann::json;

// A structural problem, with the JSON path of the culprit.
struct Bad {
  std::string detail;
};

[[noreturn]] void bad(const std::string& path, const std::string& what) { throw Bad{path + " " + what}; }

const char* type_name(const json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "null";
}

void only_fields(const json& object, const std::string& path, std::initializer_list<const char*> allowed) {
  for (const auto& [name, _] : object.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) bad(path, "has an unknown field \"" + escape_text(name) + "\"");
  }
}

const json& member(const json& object, const std::string& path, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) bad(path, std::string("has no \"") + name + "\"");
  return *it;
}

const json& object_at(const json& parent, const std::string& path, const char* name) {
  const json& value = member(parent, path, name);
  if (!value.is_object()) bad(path + "." + name, std::string("is ") + type_name(value) + ", expected an object");
  return value;
}

std::string string_at(const json& parent, const std::string& path, const char* name) {
  const json& value = member(parent, path, name);
  if (!value.is_string()) bad(path + "." + name, std::string("is ") + type_name(value) + ", expected a string");
  return value.get<std::string>();
}

std::string id_at(const json& parent, const std::string& path, const char* name) {
  std::string id = string_at(parent, path, name);
  if (!is_object_id(id)) bad(path + "." + name, "is not an id (24 lowercase hex digits)");
  return id;
}

std::string hash_at(const json& parent, const std::string& path, const char* name) {
  std::string hash = string_at(parent, path, name);
  if (!is_sha256_hex(hash)) bad(path + "." + name, "is not a SHA-256 (64 lowercase hex digits)");
  return hash;
}

std::vector<std::string> roles_at(const json& parent, const std::string& path, const char* name) {
  const json& value = member(parent, path, name);
  const std::string where = path + "." + name;
  if (!value.is_array()) bad(where, std::string("is ") + type_name(value) + ", expected an array of roles");
  std::vector<std::string> roles;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!value[i].is_string()) bad(at, std::string("is ") + type_name(value[i]) + ", expected a role");
    std::string role = value[i].get<std::string>();
    if (!is_project_role(role)) bad(at, "is not a project role (GROUP_ and capitals)");
    if (!seen.insert(role).second) bad(at, "repeats " + role);
    roles.push_back(std::move(role));
  }
  return roles;
}

// "an unassign", "a delete_key": the kind as a message names it (escaped: it may be anything).
std::string with_article(const std::string& kind) {
  const bool vowel = !kind.empty() && std::string_view("aeiou").find(kind[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + escape_text(kind);
}

ProjectInfo project_at(const json& parent, const std::string& path) {
  const json& project = object_at(parent, path, "project");
  only_fields(project, path + ".project", {"id", "name"});
  return {id_at(project, path + ".project", "id"), string_at(project, path + ".project", "name")};
}

// A delete_key's assignments_before: every project the key loses, each once, each with roles.
std::vector<ProjectRoles> assignments_at(const json& entry, const std::string& path) {
  if (!entry.contains("assignments_before")) {
    bad(path, "is a delete_key without assignments_before (written by an older keyform? run plan again)");
  }
  const json& list = entry["assignments_before"];
  const std::string where = path + ".assignments_before";
  if (!list.is_array()) bad(where, std::string("is ") + type_name(list) + ", expected an array");
  std::vector<ProjectRoles> out;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!list[i].is_object()) bad(at, std::string("is ") + type_name(list[i]) + ", expected an object");
    only_fields(list[i], at, {"project", "roles"});
    ProjectRoles lost{project_at(list[i], at), roles_at(list[i], at, "roles")};
    if (lost.roles.empty()) bad(at + ".roles", "is empty (a key with no roles in a project does not reach it)");
    if (!seen.insert(lost.project.id).second) bad(at, "repeats project " + lost.project.id);
    out.push_back(std::move(lost));
  }
  return out;
}

Action parse_action(const json& entry, const std::string& path, bool skipped) {
  if (!entry.is_object()) bad(path, std::string("is ") + type_name(entry) + ", expected an object");
  if (skipped) {
    only_fields(entry, path, {"action", "key", "project", "roles_before", "roles_after", "reason",
                              "assignments_before", "skip_reason"});
  } else {
    only_fields(entry, path, {"action", "key", "project", "roles_before", "roles_after", "reason",
                              "assignments_before"});
  }
  Action a;
  const std::string kind = string_at(entry, path, "action");
  auto parsed_kind = action_kind_from_string(kind);
  if (!parsed_kind) bad(path + ".action", "is an unknown action \"" + escape_text(kind) + "\"");
  a.kind = *parsed_kind;

  const json& key = object_at(entry, path, "key");
  only_fields(key, path + ".key", {"id", "public_key", "desc"});
  a.key = {id_at(key, path + ".key", "id"), string_at(key, path + ".key", "public_key"),
           string_at(key, path + ".key", "desc")};

  if (entry.contains("project")) {
    if (a.kind == ActionKind::delete_key) bad(path, "is a delete_key with a project");
    a.project = project_at(entry, path);
  } else if (a.kind != ActionKind::delete_key) {
    bad(path, "is " + with_article(kind) + " without a project");
  }
  a.roles_before = roles_at(entry, path, "roles_before");
  a.roles_after = roles_at(entry, path, "roles_after");
  a.reason = string_at(entry, path, "reason");
  if (a.reason.empty()) bad(path + ".reason", "is empty");

  // Each kind's shape: what the planner can produce, and what the executor's call needs.
  const bool before = !a.roles_before.empty(), after = !a.roles_after.empty();
  switch (a.kind) {
    case ActionKind::assign:
      if (before || !after) bad(path, "is an assign that does not go from no roles to some roles");
      break;
    case ActionKind::update_roles:
      if (!before || !after) bad(path, "is an update_roles without roles before and after");
      if (std::set(a.roles_before.begin(), a.roles_before.end()) ==
          std::set(a.roles_after.begin(), a.roles_after.end())) {
        bad(path, "is an update_roles that changes nothing");
      }
      break;
    case ActionKind::unassign:
      if (!before || after) bad(path, "is an unassign that does not go from some roles to none");
      break;
    case ActionKind::delete_key:
      if (before || after) bad(path, "is a delete_key with roles");
      break;
  }
  // The blast radius a reviewer approved travels with the deletion, and only with a deletion.
  if (a.kind == ActionKind::delete_key) {
    a.assignments_before = assignments_at(entry, path);
  } else if (entry.contains("assignments_before")) {
    bad(path, "is " + with_article(kind) + " with assignments_before (only a delete_key has them)");
  }
  return a;
}

std::vector<Action> parse_actions(const json& doc) {
  const json& list = member(doc, "plan", "actions");
  if (!list.is_array()) bad("actions", std::string("is ") + type_name(list) + ", expected an array");
  std::vector<Action> actions;
  std::set<std::tuple<std::string, std::string>> targets;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = "actions[" + std::to_string(i) + "]";
    Action a = parse_action(list[i], path, false);
    if (!actions.empty() && phase_of(a.kind) < phase_of(actions.back().kind)) {
      bad(path, "is out of execution order (assigns and updates, then unassigns, then deletes)");
    }
    if (!targets.emplace(a.key.id, a.project ? a.project->id : "").second) {
      bad(path, "is a second action for the same key and project");
    }
    actions.push_back(std::move(a));
  }
  return actions;
}

std::vector<SkippedAction> parse_skipped(const json& doc) {
  const json& list = member(doc, "plan", "skipped");
  if (!list.is_array()) bad("skipped", std::string("is ") + type_name(list) + ", expected an array");
  std::vector<SkippedAction> skipped;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = "skipped[" + std::to_string(i) + "]";
    Action a = parse_action(list[i], path, true);
    std::string reason = string_at(list[i], path, "skip_reason");
    if (reason.empty()) bad(path + ".skip_reason", "is empty");
    skipped.push_back({std::move(a), std::move(reason)});
  }
  return skipped;
}

std::vector<std::string> parse_warnings(const json& doc) {
  if (!doc.contains("warnings")) bad("plan", "has no \"warnings\" (written by an older keyform? run plan again)");
  const json& list = doc["warnings"];
  if (!list.is_array()) bad("warnings", std::string("is ") + type_name(list) + ", expected an array of strings");
  std::vector<std::string> warnings;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "warnings[" + std::to_string(i) + "]";
    if (!list[i].is_string()) bad(at, std::string("is ") + type_name(list[i]) + ", expected a string");
    if (list[i].get_ref<const std::string&>().empty()) bad(at, "is empty");
    warnings.push_back(list[i].get<std::string>());
  }
  return warnings;
}

void check_summary(const json& doc, const Plan& plan) {
  const json& summary = object_at(doc, "plan", "summary");
  only_fields(summary, "summary", {"assign", "update_roles", "unassign", "delete_key"});
  const PlanSummary s = plan.summary();
  for (const auto& [name, count] : {std::pair{"assign", s.assign}, std::pair{"update_roles", s.update_roles},
                                    std::pair{"unassign", s.unassign}, std::pair{"delete_key", s.delete_key}}) {
    const json& value = member(summary, "summary", name);
    if (!value.is_number_integer()) bad(std::string("summary.") + name, std::string("is ") + type_name(value) + ", expected an integer");
    if (value.get<long long>() != count) {
      bad(std::string("summary.") + name, "says " + value.dump() + " but the actions have " + std::to_string(count));
    }
  }
}

SavedPlan parse_structure(const json& doc) {
  only_fields(doc, "plan", {"format_version", "target", "actions", "skipped", "warnings", "summary", "fingerprint",
                            "config_sha256", "checksum"});
  SavedPlan saved;
  const json& target = object_at(doc, "plan", "target");
  only_fields(target, "target", {"api", "org_id", "base_url"});
  saved.plan.target.api = string_at(target, "target", "api");
  if (saved.plan.target.api.empty()) bad("target.api", "is empty");
  saved.plan.target.org_id = id_at(target, "target", "org_id");
  saved.plan.target.base_url = string_at(target, "target", "base_url");
  if (check_base_url(saved.plan.target.base_url) != BaseUrlCheck::ok) {
    bad("target.base_url", "is not an https URL (or http to a loopback host)");
  }
  saved.plan.actions = parse_actions(doc);
  saved.plan.skipped = parse_skipped(doc);
  saved.plan.warnings = parse_warnings(doc);
  check_summary(doc, saved.plan);
  saved.fingerprint = hash_at(doc, "plan", "fingerprint");
  saved.config_sha256 = hash_at(doc, "plan", "config_sha256");
  return saved;
}

PlanFileResult problem(PlanFileProblem kind, std::string detail) { return {std::nullopt, kind, std::move(detail)}; }

}  // namespace

std::string plan_file_canonical(const json& doc) {
  json copy = doc;
  copy.erase("checksum");
  return copy.dump();
}

std::string write_plan_file(const SavedPlan& saved) {
  json doc = plan_to_json(saved.plan);
  doc["fingerprint"] = saved.fingerprint;
  doc["config_sha256"] = saved.config_sha256;
  doc["checksum"] = sha256_hex(plan_file_canonical(doc));
  // For a person opening the file, the version and target first and the hashes last; the
  // checksum does not depend on this order (it covers the canonical, sorted form).
  nlohmann::ordered_json out;
  for (const char* name : {"format_version", "target", "summary", "actions", "skipped", "warnings", "fingerprint",
                           "config_sha256", "checksum"}) {
    out[name] = doc[name];
  }
  return out.dump(2) + "\n";
}

PlanFileResult read_plan_file(std::string_view text) {
  try {
    const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return problem(PlanFileProblem::corrupt, "it is not valid JSON (truncated?)");
    if (!doc.is_object()) return problem(PlanFileProblem::corrupt, std::string("it is ") + type_name(doc) + ", not a plan");

    // The version first: a later format may checksum differently.
    auto version = doc.find("format_version");
    if (version == doc.end()) return problem(PlanFileProblem::corrupt, "it has no format_version");
    if (!version->is_number_integer()) return problem(PlanFileProblem::corrupt, "its format_version is not an integer");
    if (version->get<long long>() != kPlanFormatVersion) {
      return problem(PlanFileProblem::unsupported_version,
                     "it is in plan format version " + version->dump() + "; this keyform reads version " +
                         std::to_string(kPlanFormatVersion));
    }

    auto checksum = doc.find("checksum");
    if (checksum == doc.end()) {
      const bool printed_plan = !doc.contains("fingerprint");
      return problem(PlanFileProblem::corrupt,
                     printed_plan ? "it has no fingerprint and no checksum: it is a plan printed by --format json, not a "
                                    "plan file written by `keyform plan --out FILE`"
                                  : "it has no checksum");
    }
    if (!checksum->is_string() || !is_sha256_hex(checksum->get<std::string>())) {
      return problem(PlanFileProblem::corrupt, "its checksum is not a SHA-256 (64 lowercase hex digits)");
    }
    // Structure before checksum: a file that is not even shaped like a plan is best described by
    // what is wrong with it, and a well-shaped one that was edited by its checksum.
    SavedPlan saved;
    try {
      saved = parse_structure(doc);
    } catch (const Bad& b) {
      return problem(PlanFileProblem::corrupt, b.detail);
    }
    if (sha256_hex(plan_file_canonical(doc)) != checksum->get<std::string>()) {
      return problem(PlanFileProblem::corrupt, "its checksum does not match its content (edited after it was written?)");
    }
    return {std::move(saved), PlanFileProblem::none, {}};
  } catch (const std::exception& e) {
    return problem(PlanFileProblem::corrupt, std::string("it cannot be read: ") + e.what());
  }
}

std::optional<std::string> check_self_key(const Plan& plan, std::string_view self_public_key) {
  if (self_public_key.empty()) return std::nullopt;
  for (const auto& a : plan.actions) {
    if (a.kind != ActionKind::assign && a.key.public_key == self_public_key) {
      return "the plan would " + escape_text(describe(a)) + ", but keyform is now authenticating with that key (" +
             escape_text(self_public_key) + "); keyform never takes access away from its own key";
    }
  }
  return std::nullopt;
}

namespace {

std::string role_list(std::vector<std::string> roles) {
  std::sort(roles.begin(), roles.end());
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ", ") + escape_text(r);
  return "[" + out + "]";
}

std::string key_label(const KeyInfo& key) { return escape_text(key.public_key) + " (" + escape_text(key.id) + ")"; }

// Where a saved delete_key's blast radius is no longer what the reviewer saw.
std::optional<std::string> lost_access_changed(const Action& a, const LiveKey& key) {
  std::map<std::string, std::vector<std::string>> saved, now;
  for (const auto& p : a.assignments_before) saved[p.project.id] = p.roles;
  for (const auto& [id, roles] : key.project_roles) now[id] = roles;
  for (auto* side : {&saved, &now}) {
    for (auto& [_, roles] : *side) std::sort(roles.begin(), roles.end());
  }
  if (saved == now) return std::nullopt;
  return "key " + key_label(a.key) + " is to be deleted, but its project access is no longer what the plan shows "
         "it losing (" + std::to_string(now.size()) + " project(s) now, " + std::to_string(saved.size()) + " in the plan)";
}

}  // namespace

std::vector<std::string> stale_details(const Plan& plan, const LiveState& live, std::size_t limit) {
  std::map<std::string, const LiveKey*> keys;
  for (const auto& k : live.keys) keys[k.id] = &k;
  std::map<std::string, std::string> names;
  for (const auto& p : live.projects) names[p.id] = p.name;

  std::vector<std::string> out;
  for (const auto& a : plan.actions) {
    if (out.size() >= limit) break;
    auto key = keys.find(a.key.id);
    if (key == keys.end()) {
      out.push_back("key " + key_label(a.key) + " no longer exists");
      continue;
    }
    if (!a.project) {
      if (auto changed = lost_access_changed(a, *key->second)) out.push_back(*changed);
      continue;
    }
    const std::string project_id = escape_text(a.project->id);
    auto name = names.find(a.project->id);
    if (name == names.end()) {
      out.push_back("project " + escape_text(a.project->name) + " (" + project_id + ") no longer exists");
      continue;
    }
    if (name->second != a.project->name) {
      out.push_back("project " + project_id + " is now named \"" + escape_text(name->second) + "\", not \"" +
                    escape_text(a.project->name) + "\"");
      continue;
    }
    auto roles = key->second->project_roles.find(a.project->id);
    std::vector<std::string> now = roles == key->second->project_roles.end() ? std::vector<std::string>{} : roles->second;
    if (role_list(now) != role_list(a.roles_before)) {
      out.push_back("key " + escape_text(a.key.public_key) + " in " + escape_text(a.project->name) + " now has " +
                    role_list(now) + "; the plan expected " + role_list(a.roles_before));
    }
  }
  return out;
}

}  // namespace keyform
