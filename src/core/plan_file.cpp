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
#include "core/principal_json.h"

namespace keyform {
namespace {

using nlohmann::json;
using namespace json_fields;

// What an action addresses besides its principal: one action per principal and project, per
// principal and entry, per secret, one new secret, and one principal-wide action (its create,
// update or delete) per principal.
std::string addressed(const Action& a) {
  switch (info(a.kind).scope) {
    case Scope::project: return "project " + a.project->id;
    case Scope::access_entry: return "entry " + *a.entry;
    case Scope::secret: return "secret " + a.secret->id;
    case Scope::key: break;
  }
  // A rotation's new secret may come with a rename of the same account.
  return a.kind == ActionKind::create_secret ? "new secret" : "key";
}

const char* scope_noun(const Action& a) {
  switch (info(a.kind).scope) {
    case Scope::project: return "project";
    case Scope::access_entry: return "access-list entry";
    case Scope::secret: return "secret";
    case Scope::key: break;
  }
  return a.kind == ActionKind::create_secret ? "new secret" : "principal-wide change";
}

const char* principal_noun(const Principal& p) { return p.is_service_account() ? "service account" : "key"; }

// A principal named by its description or name alone must be one this plan creates: else the
// executor would have no id to give the action.
void check_created_before(const Action& a, const std::set<std::tuple<std::string, std::string>>& targets,
                          const std::string& path) {
  if (!a.key.is_new() || info(a.kind).creates_key || targets.count({key_ref(a.key), "key"})) return;
  if (a.key.is_service_account()) {
    bad(path, "names a service account with no client id that no earlier create_service_account in the plan creates");
  }
  bad(path, "names a key with no id that no earlier create_key in the plan creates");
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
    check_created_before(a, targets, path);
    if (!targets.emplace(key_ref(a.key), addressed(a)).second) {
      bad(path, std::string("is a second action for the same ") + principal_noun(a.key) + " and " + scope_noun(a));
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

// The keys (and service accounts, by client id) whose access lists the fingerprint covers: ids,
// sorted, each once.
// A sorted, unique list of ids at `path` (key ids or client ids).
std::vector<std::string> sorted_ids_at(const json& list, const std::string& path) {
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const bool id = list[i].is_string() && (is_object_id(list[i].get<std::string>()) ||
                                            is_service_account_client_id(list[i].get<std::string>()));
    if (!id) bad(at, "is not a key id or a service account client id");
    if (!ids.empty() && list[i].get<std::string>() <= ids.back()) bad(at, "is out of order or repeated");
    ids.push_back(list[i].get<std::string>());
  }
  return ids;
}

std::vector<std::string> parse_access_lists_read(const json& doc) {
  if (!doc.contains("access_lists_read")) {
    bad("plan", "has no \"access_lists_read\" (written by an older keyform? run plan again)");
  }
  return sorted_ids_at(array_at(doc, "plan", "access_lists_read"), "access_lists_read");
}

// Absent: the plan read no service account (a file from before they existed reads the same).
ServiceAccountReads parse_service_accounts_read(const json& doc) {
  if (!doc.contains("service_accounts_read")) return {};
  const json& reads = object_at(doc, "plan", "service_accounts_read");
  only_fields(reads, "service_accounts_read", {"projects", "access_lists"});
  return {true, sorted_ids_at(array_at(reads, "service_accounts_read", "projects"), "service_accounts_read.projects"),
          sorted_ids_at(array_at(reads, "service_accounts_read", "access_lists"), "service_accounts_read.access_lists")};
}

SavedPlan parse_structure(const json& doc) {
  only_fields(doc, "plan", {"format_version", "target", "actions", "skipped", "warnings", "summary", "fingerprint",
                            "access_lists_read", "service_accounts_read", "config_sha256", "checksum"});
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
  saved.service_account_reads = parse_service_accounts_read(doc);
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
  if (saved.service_account_reads.listing) {
    doc["service_accounts_read"] = {{"projects", saved.service_account_reads.projects},
                                    {"access_lists", saved.service_account_reads.access_lists}};
  }
  doc["config_sha256"] = saved.config_sha256;
  doc["checksum"] = sha256_hex(plan_file_canonical(doc));
  // For a person opening the file, the version and target first and the hashes last; the
  // checksum does not depend on this order (it covers the canonical, sorted form).
  nlohmann::ordered_json out;
  for (const char* name : {"format_version", "target", "summary", "actions", "skipped", "warnings", "fingerprint",
                           "access_lists_read", "service_accounts_read", "config_sha256", "checksum"}) {
    if (doc.contains(name)) out[name] = doc[name];
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

namespace {

// Whether `a` takes access from the principal keyform runs as (`self`: a public key or a client id).
bool takes_from_self(const Action& a, std::string_view self, const LiveState* live) {
  if (a.key.is_service_account()) {
    if (a.key.id != self) return false;
    const LiveServiceAccount* account = nullptr;
    if (live) {
      for (const auto& sa : live->service_accounts) account = sa.client_id == a.key.id ? &sa : account;
    }
    return takes_from_service_account(a, account);
  }
  if (a.key.public_key != self) return false;
  const LiveKey* key = nullptr;
  if (live) {
    for (const auto& k : live->keys) key = k.id == a.key.id ? &k : key;
  }
  return takes_from_key(a, key);
}

}  // namespace

std::optional<std::string> check_self_key(const Plan& plan, std::string_view self, const LiveState* live) {
  if (self.empty()) return std::nullopt;
  for (const auto& a : plan.actions) {
    if (!live && a.kind == ActionKind::add_access_entry) continue;  // judged once the org is read
    if (!takes_from_self(a, self, live)) continue;
    const char* what = a.key.is_service_account() ? "as that service account (" : "with that key (";
    return "the plan would " + escape_text(describe(a)) + ", but keyform is now authenticating " + what +
           escape_text(self) + "); keyform never takes access away from its own " +
           (a.key.is_service_account() ? "service account" : "key");
  }
  return std::nullopt;
}

}  // namespace keyform
