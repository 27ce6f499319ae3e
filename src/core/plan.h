// A plan is data: the changes that make the org match the config, in execution order. Like
// Terraform's internal/plans, each change is an action kind (core/action_kind.h), the resource it
// addresses (a key, and a project or an access-list entry), typed before/after values of what it
// changes, and a reason with a stable code. Renderers, the plan file and the executor consume it;
// nothing here does I/O.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/action_kind.h"

namespace keyform {

// A key as an action names it. A key the plan is about to create has no id and no public key
// yet: it is named by its description, which the config makes unique.
struct KeyInfo {
  std::string id;
  std::string public_key;
  std::string desc;

  bool is_new() const { return id.empty(); }
};

// Which key an action is about, for grouping and de-duplicating actions: its id, or for a key
// still to be created its description (prefixed, so it never equals an id).
std::string key_ref(const KeyInfo& key);

struct ProjectInfo {
  std::string id;
  std::string name;
};

// One project a key can reach, with its roles there.
struct ProjectRoles {
  ProjectInfo project;
  std::vector<std::string> roles;  // sorted, unique
};

// A key's own attributes, as far as one action changes them: an unset field is not changed.
struct KeyAttributes {
  std::optional<std::string> desc;
  std::optional<std::vector<std::string>> org_roles;  // sorted, unique
  bool empty() const { return !desc && !org_roles; }
  friend bool operator==(const KeyAttributes&, const KeyAttributes&) = default;
};

// Why an action is in the plan, as a code a pipeline can match (JSON "reason_code") beside the
// sentence a person reads ("reason").
enum class ReasonCode {
  declared,                     // assign: the file declares the project for the key
  roles_differ,                 // update_roles
  not_declared_for_key,         // unassign: the key's entry does not list the project
  declared_absent,              // delete_key: state = "absent"
  undeclared_key_unassign,      // policy unassign
  undeclared_key_delete,        // policy delete
  attributes_differ,            // update_key: desc and/or org roles
  access_entry_declared,        // add_access_entry
  access_entry_not_declared,    // remove_access_entry
  no_key_with_desc,             // create_key: no key in the org has the declared description
};
std::string_view to_string(ReasonCode code);
std::optional<ReasonCode> reason_code_from_string(std::string_view text);

struct Action {
  ActionKind kind = ActionKind::assign;
  KeyInfo key;
  std::optional<ProjectInfo> project;  // Scope::project kinds only
  std::optional<std::string> entry;    // Scope::access_entry kinds only: a canonical CIDR ("203.0.113.7/32")
  std::vector<std::string> roles_before;  // project roles (Scope::project kinds)
  std::vector<std::string> roles_after;
  // update_key: the fields it changes, as they are and as they will be. create_key: `after` holds
  // the new key's desc and org roles, `before` nothing.
  KeyAttributes before;
  KeyAttributes after;
  ReasonCode reason_code = ReasonCode::declared;
  std::string reason;
  // delete_key only: every project the key loses with it (its blast radius), by project name.
  std::vector<ProjectRoles> assignments_before;

  // How much access this action takes away, for policy.max_destroy: 1 per unassign, delete and
  // removed access-list entry, 1 per org role an update_key removes.
  int removals() const;
  // Whether it takes anything away at all (decides an update_key's phase).
  bool removes() const { return removals() > 0; }
};

// Which phase an action runs in: its kind's, or the kind's removing phase when it takes
// something away (an update_key that drops an org role runs with the removals).
Phase phase_of(const Action& action);

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

// Actions per kind, in the order of kActionKinds.
struct PlanSummary {
  std::array<int, kActionKinds.size()> counts{};
  int count(ActionKind kind) const;
  int total() const;
};
PlanSummary summarise(const std::vector<Action>& actions);

struct Plan {
  PlanTarget target;
  std::vector<Action> actions;  // execution order
  std::vector<SkippedAction> skipped;
  // Things the reviewer should know before applying (an action the key keyform runs as may not be
  // allowed to perform, a role name the documentation does not list). Plain sentences, unescaped.
  std::vector<std::string> warnings;

  PlanSummary summary() const { return summarise(actions); }
  int destroy_count() const;  // sum of removals(): what policy.max_destroy bounds
  bool has_changes() const { return !actions.empty(); }
};

// "assign zmmrboas to payments-prod" — how logs and errors name an action.
std::string describe(const Action& action);

}  // namespace keyform
