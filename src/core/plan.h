// A plan is data: the changes that make the org match the config, in execution order.
// Renderers (text, json, markdown) and the applier consume it; nothing here does I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyform {

enum class ActionKind { assign, update_roles, unassign, delete_key };

std::string_view to_string(ActionKind kind);
std::optional<ActionKind> action_kind_from_string(std::string_view text);

// Phases run strictly in order; actions inside one phase are independent of each other.
// Access is granted before it is taken away, and a key is deleted last.
int phase_of(ActionKind kind);
constexpr int phase_count = 3;

struct KeyInfo {
  std::string id;
  std::string public_key;
  std::string desc;
};

struct ProjectInfo {
  std::string id;
  std::string name;
};

// One project a key can reach, with its roles there.
struct ProjectRoles {
  ProjectInfo project;
  std::vector<std::string> roles;  // sorted, unique
};

struct Action {
  ActionKind kind = ActionKind::assign;
  KeyInfo key;
  std::optional<ProjectInfo> project;  // absent only for delete_key
  std::vector<std::string> roles_before;
  std::vector<std::string> roles_after;
  std::string reason;
  // delete_key only: every project the key loses with it (its blast radius), by project name.
  std::vector<ProjectRoles> assignments_before;
};

// A change the planner would have made but must not: the key is protected or is keyform's own.
struct SkippedAction {
  Action action;
  std::string skip_reason;
};

struct PlanTarget {
  std::string api;
  std::string org_id;
  std::string base_url;
};

struct PlanSummary {
  int assign = 0;
  int update_roles = 0;
  int unassign = 0;
  int delete_key = 0;

  int destroy_count() const { return unassign + delete_key; }
  int total() const { return assign + update_roles + unassign + delete_key; }
};

struct Plan {
  PlanTarget target;
  std::vector<Action> actions;  // execution order
  std::vector<SkippedAction> skipped;
  // Things the reviewer should know before applying (an action the key keyform runs as may not be
  // allowed to perform, a role name the documentation does not list). Plain sentences, unescaped.
  std::vector<std::string> warnings;

  PlanSummary summary() const;
  bool has_changes() const { return !actions.empty(); }
};

// "assign zmmrboas to payments-prod" — how logs and errors name an action.
std::string describe(const Action& action);

}  // namespace keyform
