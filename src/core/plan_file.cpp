#include "core/plan_file.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/escape.h"
#include "core/fingerprint.h"
#include "core/guards.h"
#include "core/ids.h"
#include "core/url.h"
#include "core/json_fields.h"
#include "core/plan_json.h"

namespace keyform {
namespace {

using nlohmann::json;
using namespace json_fields;

// What an action addresses besides its key: one action per key and project, per key and entry,
// and one key-wide action (update_key or delete_key) per key.
std::string addressed(const Action& a) {
  switch (info(a.kind).scope) {
    case Scope::project: return "project " + a.project->id;
    case Scope::access_entry: return "entry " + *a.entry;
    case Scope::key: break;
  }
  return "key";
}

const char* scope_noun(const Action& a) {
  switch (info(a.kind).scope) {
    case Scope::project: return "project";
    case Scope::access_entry: return "access-list entry";
    case Scope::key: break;
  }
  return "key-wide change";
}

std::vector<Action> parse_actions(const json& doc) {
  const json& list = member(doc, "plan", "actions");
  if (!list.is_array()) bad("actions", std::string("is ") + type_name(list) + ", expected an array");
  std::vector<Action> actions;
  std::set<std::tuple<std::string, std::string>> targets;  // (key, what else the action addresses)
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = "actions[" + std::to_string(i) + "]";
    Action a = action_from_json(list[i], path, false);
    if (!actions.empty() && phase_of(a) < phase_of(actions.back())) {
      bad(path, "is out of execution order (creates, then grants, then removals, then deletes)");
    }
    // A key named by its description alone must be one this plan creates: else the executor
    // would have no id to give the action.
    if (a.key.is_new() && a.kind != ActionKind::create_key && !targets.count({key_ref(a.key), "key"})) {
      bad(path, "names a key with no id that no earlier create_key in the plan creates");
    }
    if (!targets.emplace(key_ref(a.key), addressed(a)).second) {
      bad(path, "is a second action for the same key and " + std::string(scope_noun(a)));
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
    Action a = action_from_json(list[i], path, true);
    std::string reason = string_at(list[i], path, "skip_reason");
    if (reason.empty()) bad(path + ".skip_reason", "is empty");
    skipped.push_back({std::move(a), std::move(reason)});
  }
  return skipped;
}

// Each warning is {code, message}; a plan file written before warnings had codes holds bare
// strings, read with an empty code.
std::vector<PlanWarning> parse_warnings(const json& doc) {
  if (!doc.contains("warnings")) bad("plan", "has no \"warnings\" (written by an older keyform? run plan again)");
  const json& list = doc["warnings"];
  if (!list.is_array()) bad("warnings", std::string("is ") + type_name(list) + ", expected an array");
  std::vector<PlanWarning> warnings;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "warnings[" + std::to_string(i) + "]";
    PlanWarning warning;
    if (list[i].is_string()) {
      warning.message = list[i].get<std::string>();
    } else if (list[i].is_object()) {
      only_fields(list[i], at, {"code", "message"});
      warning.code = string_at(list[i], at, "code");
      warning.message = string_at(list[i], at, "message");
    } else {
      bad(at, std::string("is ") + type_name(list[i]) + ", expected an object with code and message");
    }
    if (warning.message.empty()) bad(at, "has an empty message");
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

void check_summary(const json& doc, const Plan& plan) {
  const json& summary = object_at(doc, "plan", "summary");
  const PlanSummary s = plan.summary();
  std::size_t present = 0;
  for (std::size_t i = 0; i < kActionKinds.size(); ++i) {
    const std::string name(kActionKinds[i].name);
    // A plan saved before a kind existed has no count for it, and no action of it either.
    if (!summary.contains(name) && s.counts[i] == 0) continue;
    ++present;
    const json& value = member(summary, "summary", name.c_str());
    if (!value.is_number_integer()) bad("summary." + name, std::string("is ") + type_name(value) + ", expected an integer");
    if (value.get<long long>() != s.counts[i]) {
      bad("summary." + name, "says " + value.dump() + " but the actions have " + std::to_string(s.counts[i]));
    }
  }
  if (summary.size() != present) bad("summary", "has a field that is no action kind");
}

// The keys whose access lists the fingerprint covers: ids, sorted, each once.
std::vector<std::string> parse_access_lists_read(const json& doc) {
  if (!doc.contains("access_lists_read")) {
    bad("plan", "has no \"access_lists_read\" (written by an older keyform? run plan again)");
  }
  const json& list = array_at(doc, "plan", "access_lists_read");
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = "access_lists_read[" + std::to_string(i) + "]";
    if (!list[i].is_string() || !is_object_id(list[i].get<std::string>())) bad(at, "is not a key id");
    if (!ids.empty() && list[i].get<std::string>() <= ids.back()) bad(at, "is out of order or repeated");
    ids.push_back(list[i].get<std::string>());
  }
  return ids;
}

SavedPlan parse_structure(const json& doc) {
  only_fields(doc, "plan", {"format_version", "target", "actions", "skipped", "warnings", "summary", "fingerprint",
                            "access_lists_read", "config_sha256", "checksum"});
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
  saved.access_lists_read = parse_access_lists_read(doc);
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
  doc["access_lists_read"] = saved.access_lists_read;
  doc["config_sha256"] = saved.config_sha256;
  doc["checksum"] = sha256_hex(plan_file_canonical(doc));
  // For a person opening the file, the version and target first and the hashes last; the
  // checksum does not depend on this order (it covers the canonical, sorted form).
  nlohmann::ordered_json out;
  for (const char* name : {"format_version", "target", "summary", "actions", "skipped", "warnings", "fingerprint",
                           "access_lists_read", "config_sha256", "checksum"}) {
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
    } catch (const PlanJsonError& b) {
      return problem(PlanFileProblem::corrupt, b.what());
    }
    if (sha256_hex(plan_file_canonical(doc)) != checksum->get<std::string>()) {
      return problem(PlanFileProblem::corrupt, "its checksum does not match its content (edited after it was written?)");
    }
    return {std::move(saved), PlanFileProblem::none, {}};
  } catch (const std::exception& e) {
    return problem(PlanFileProblem::corrupt, std::string("it cannot be read: ") + e.what());
  }
}

std::optional<std::string> check_self_key(const Plan& plan, std::string_view self_public_key,
                                          const LiveState* live) {
  if (self_public_key.empty()) return std::nullopt;
  for (const auto& a : plan.actions) {
    if (a.key.public_key != self_public_key) continue;
    if (!live && a.kind == ActionKind::add_access_entry) continue;  // judged once the org is read
    const LiveKey* key = nullptr;
    if (live) {
      for (const auto& k : live->keys) key = k.id == a.key.id ? &k : key;
    }
    if (!takes_from_key(a, key)) continue;
    return "the plan would " + escape_text(describe(a)) + ", but keyform is now authenticating with that key (" +
           escape_text(self_public_key) + "); keyform never takes access away from its own key";
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

std::string key_label(const Principal& key) { return escape_text(key.public_key) + " (" + escape_text(key.id) + ")"; }

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

namespace {

using ProjectNames = std::map<std::string, std::string>;

std::optional<std::string> project_changed(const Action& a, const LiveKey& key, const ProjectNames& names) {
  const std::string project_id = escape_text(a.project->id);
  auto name = names.find(a.project->id);
  if (name == names.end()) return "project " + escape_text(a.project->name) + " (" + project_id + ") no longer exists";
  if (name->second != a.project->name) {
    return "project " + project_id + " is now named \"" + escape_text(name->second) + "\", not \"" +
           escape_text(a.project->name) + "\"";
  }
  auto roles = key.project_roles.find(a.project->id);
  std::vector<std::string> now = roles == key.project_roles.end() ? std::vector<std::string>{} : roles->second;
  if (role_list(now) == role_list(a.roles_before)) return std::nullopt;
  return "key " + escape_text(a.key.public_key) + " in " + escape_text(a.project->name) + " now has " + role_list(now) +
         "; the plan expected " + role_list(a.roles_before);
}

// An update_key's `before` is what the reviewer saw the key change from.
std::optional<std::string> attributes_changed(const Action& a, const LiveKey& key) {
  if (a.before.desc && *a.before.desc != key.desc) {
    return "key " + key_label(a.key) + " now has the description \"" + escape_text(key.desc) + "\"; the plan expected \"" +
           escape_text(*a.before.desc) + "\"";
  }
  if (a.before.org_roles && *a.before.org_roles != key.org_roles) {
    return "key " + key_label(a.key) + " now has org roles " + role_list(key.org_roles) + "; the plan expected " +
           role_list(*a.before.org_roles);
  }
  return std::nullopt;
}

std::optional<std::string> entry_changed(const Action& a, const LiveKey& key) {
  if (!key.access_list) return std::nullopt;  // not read now: the fingerprint decides
  const bool present = std::find(key.access_list->begin(), key.access_list->end(), *a.entry) != key.access_list->end();
  const bool expected = a.kind == ActionKind::remove_access_entry;
  if (present == expected) return std::nullopt;
  return "key " + key_label(a.key) + (present ? " already has " : " no longer has ") + escape_text(*a.entry) +
         " in its access list";
}

// A key the plan creates must still be missing (else the apply would make a second key with that
// description), and the projects it is to be given must still be there under the same names.
std::optional<std::string> new_key_stale(const Action& a, const LiveState& live, const ProjectNames& names) {
  if (a.kind == ActionKind::create_key) {
    for (const auto& k : live.keys) {
      if (k.desc != a.key.desc) continue;
      return "a key with the description \"" + escape_text(a.key.desc) + "\" now exists (" + escape_text(k.public_key) +
             ", id " + escape_text(k.id) + "); the plan would create another";
    }
    return std::nullopt;
  }
  if (info(a.kind).scope == Scope::project) return project_changed(a, LiveKey{}, names);
  return std::nullopt;
}

std::optional<std::string> action_stale(const Action& a, const LiveKey& key, const ProjectNames& names) {
  switch (info(a.kind).scope) {
    case Scope::project: return project_changed(a, key, names);
    case Scope::access_entry: return entry_changed(a, key);
    case Scope::key: break;
  }
  return a.kind == ActionKind::delete_key ? lost_access_changed(a, key) : attributes_changed(a, key);
}

}  // namespace

std::vector<std::string> stale_details(const Plan& plan, const LiveState& live, std::size_t limit) {
  std::map<std::string, const LiveKey*> keys;
  for (const auto& k : live.keys) keys[k.id] = &k;
  ProjectNames names;
  for (const auto& p : live.projects) names[p.id] = p.name;

  std::vector<std::string> out;
  for (const auto& a : plan.actions) {
    if (out.size() >= limit) break;
    if (a.key.is_new()) {
      if (auto changed = new_key_stale(a, live, names)) out.push_back(*changed);
      continue;
    }
    auto key = keys.find(a.key.id);
    if (key == keys.end()) {
      out.push_back("key " + key_label(a.key) + " no longer exists");
    } else if (auto changed = action_stale(a, *key->second, names)) {
      out.push_back(*changed);
    }
  }
  return out;
}

}  // namespace keyform
