#include "core/plan.h"

#include <algorithm>
#include <array>
#include <numeric>

namespace keyform {
namespace {

struct ReasonName {
  ReasonCode code;
  std::string_view name;
};

constexpr std::array kReasonNames{
    ReasonName{ReasonCode::declared, "declared"},
    ReasonName{ReasonCode::roles_differ, "roles_differ"},
    ReasonName{ReasonCode::not_declared_for_key, "not_declared_for_key"},
    ReasonName{ReasonCode::declared_absent, "declared_absent"},
    ReasonName{ReasonCode::undeclared_key_unassign, "undeclared_key_unassign"},
    ReasonName{ReasonCode::undeclared_key_delete, "undeclared_key_delete"},
    ReasonName{ReasonCode::attributes_differ, "attributes_differ"},
    ReasonName{ReasonCode::access_entry_declared, "access_entry_declared"},
    ReasonName{ReasonCode::access_entry_not_declared, "access_entry_not_declared"},
    ReasonName{ReasonCode::no_key_with_desc, "no_key_with_desc"},
    ReasonName{ReasonCode::undeclared_service_account_unassign, "undeclared_service_account_unassign"},
    ReasonName{ReasonCode::undeclared_service_account_delete, "undeclared_service_account_delete"},
    ReasonName{ReasonCode::no_service_account_with_name, "no_service_account_with_name"},
    ReasonName{ReasonCode::secret_rotation_due, "secret_rotation_due"},
    ReasonName{ReasonCode::secret_expired, "secret_expired"},
};

std::string key_label(const Principal& key) {
  if (key.is_service_account()) return "service account \"" + key.desc + "\"" + (key.is_new() ? "" : " (" + key.id + ")");
  if (!key.public_key.empty()) return key.public_key;
  if (!key.id.empty()) return key.id;
  return "\"" + key.desc + "\"";  // a key still to be created is known by its description
}

std::string project_label(const std::optional<ProjectInfo>& p) {
  if (!p) return "";
  return p->name.empty() ? p->id : p->name;
}

int removed_count(const std::optional<std::vector<std::string>>& before,
                  const std::optional<std::vector<std::string>>& after) {
  if (!before || !after) return 0;
  return static_cast<int>(std::count_if(before->begin(), before->end(), [&](const std::string& role) {
    return std::find(after->begin(), after->end(), role) == after->end();
  }));
}

}  // namespace

std::string key_ref(const Principal& key) {
  if (!key.is_new()) return key.id;
  return (key.is_service_account() ? "new service account:" : "new key:") + key.desc;
}

std::string_view to_string(ReasonCode code) {
  for (const auto& entry : kReasonNames) {
    if (entry.code == code) return entry.name;
  }
  return "unknown";
}

std::optional<ReasonCode> reason_code_from_string(std::string_view text) {
  for (const auto& entry : kReasonNames) {
    if (entry.name == text) return entry.code;
  }
  return std::nullopt;
}

int Action::removals() const {
  switch (kind) {
    case ActionKind::unassign:
    case ActionKind::remove_access_entry:
    case ActionKind::delete_key:
    case ActionKind::delete_secret:
    case ActionKind::delete_service_account: return 1;
    case ActionKind::update_key:
    case ActionKind::update_service_account: return removed_count(before.org_roles, after.org_roles);
    default: return 0;
  }
}

Phase phase_of(const Action& action) {
  const ActionKindInfo& kind = info(action.kind);
  return action.removes() ? kind.removing_phase : kind.phase;
}

int PlanSummary::count(ActionKind kind) const {
  for (std::size_t i = 0; i < kActionKinds.size(); ++i) {
    if (kActionKinds[i].kind == kind) return counts[i];
  }
  return 0;
}

int PlanSummary::total() const { return std::accumulate(counts.begin(), counts.end(), 0); }

PlanSummary summarise(const std::vector<Action>& actions) {
  PlanSummary s;
  for (const auto& a : actions) {
    for (std::size_t i = 0; i < kActionKinds.size(); ++i) {
      if (kActionKinds[i].kind == a.kind) ++s.counts[i];
    }
  }
  return s;
}

int Plan::destroy_count() const {
  int total = 0;
  for (const auto& a : actions) total += a.removals();
  return total;
}

std::string describe(const Action& action) {
  const auto key = key_label(action.key);
  const auto project = project_label(action.project);
  const std::string entry = action.entry.value_or("");
  switch (action.kind) {
    case ActionKind::create_key: return "create key " + key;
    case ActionKind::assign: return "assign " + key + " to " + project;
    case ActionKind::update_roles: return "update roles of " + key + " in " + project;
    case ActionKind::update_key: return "update key " + key;
    case ActionKind::add_access_entry: return "add " + entry + " to the access list of " + key;
    case ActionKind::unassign: return "unassign " + key + " from " + project;
    case ActionKind::remove_access_entry: return "remove " + entry + " from the access list of " + key;
    case ActionKind::delete_key: return "delete key " + key;
    case ActionKind::create_service_account: return "create " + key;
    case ActionKind::update_service_account: return "update " + key;
    case ActionKind::create_secret: return "create a secret of " + key;
    case ActionKind::delete_secret:
      return "delete secret " + (action.secret ? action.secret->id : std::string()) + " of " + key;
    case ActionKind::delete_service_account: return "delete " + key;
  }
  return key;
}

}  // namespace keyform
