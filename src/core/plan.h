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

// Who an action is about: an org API key or a service account.
enum class PrincipalKind { api_key, service_account };

// A principal as an action names it.
// - A key: id, public key and description. A key the plan is about to create has no id and no
//   public key yet: it is named by its description, which the config makes unique.
// - A service account: `id` is its client id ("mdb_sa_id_" + 24 hex), `public_key` is empty and
//   `desc` is its name as it is live (for one to be created, the declared name, unique in the file).
struct Principal {
  std::string id;
  std::string public_key;
  std::string desc;
  PrincipalKind kind = PrincipalKind::api_key;

  bool is_new() const { return id.empty(); }
  bool is_service_account() const { return kind == PrincipalKind::service_account; }
};

// Which principal an action is about, for grouping and de-duplicating actions: its id, or for one
// still to be created its description or name (prefixed, so it never equals an id).
std::string key_ref(const Principal& key);

struct ProjectInfo {
  std::string id;
  std::string name;
};

// One project a key can reach, with its roles there.
struct ProjectRoles {
  ProjectInfo project;
  std::vector<std::string> roles;  // sorted, unique
};

// A principal's own attributes, as far as one action changes them: an unset field is not changed.
// For a service account `desc` is its description (JSON "description") and `name` its name; a key
// has no name.
struct KeyAttributes {
  std::optional<std::string> desc;
  std::optional<std::vector<std::string>> org_roles;  // sorted, unique
  std::optional<std::string> name{};                  // service accounts only
  // create_service_account and create_secret: how long the new secret lives.
  std::optional<int> expires_after_hours{};
  bool empty() const { return !desc && !org_roles && !name && !expires_after_hours; }
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
  undeclared_service_account_unassign,  // policy.undeclared_service_accounts = "unassign"
  undeclared_service_account_delete,    // policy.undeclared_service_accounts = "delete"
  no_service_account_with_name,  // create_service_account: no account in the org has the declared name
  secret_rotation_due,           // create_secret: the latest secret expires within secret_rotation_days
  secret_expired,                // delete_secret: it has expired (rotation never deletes a valid secret)
};
std::string_view to_string(ReasonCode code);
std::optional<ReasonCode> reason_code_from_string(std::string_view text);

// One secret of a service account, as the listing gives it (never its value).
struct SecretInfo {
  std::string id;
  std::string expires_at;  // RFC 3339, as listed
  friend bool operator==(const SecretInfo&, const SecretInfo&) = default;
};

struct Action {
  ActionKind kind = ActionKind::assign;
  Principal key;  // the key or service account the action is about
  std::optional<SecretInfo> secret;    // Scope::secret kinds only
  std::optional<ProjectInfo> project;  // Scope::project kinds only
  std::optional<std::string> entry;    // Scope::access_entry kinds only: a canonical CIDR ("203.0.113.7/32")
  std::vector<std::string> roles_before;  // project roles (Scope::project kinds)
  std::vector<std::string> roles_after;
  // update_key / update_service_account: the fields it changes, as they are and as they will be.
  // create_key: `after` holds the new key's desc and org roles, `before` nothing.
  // create_service_account: `after` holds name, description, org roles and expires_after_hours.
  // create_secret: `after.expires_after_hours` only.
  KeyAttributes before;
  KeyAttributes after;
  ReasonCode reason_code = ReasonCode::declared;
  std::string reason;
  // delete_key and delete_service_account: every project the principal loses with it (its blast radius), by project name.
  std::vector<ProjectRoles> assignments_before;

  // How much access this action takes away, for policy.max_destroy: 1 per unassign, delete,
  // deleted secret and removed access-list entry, 1 per org role an update removes.
  int removals() const;
  // Whether it takes anything away at all (decides an update_key's phase).
  bool removes() const { return removals() > 0; }
};

// Which phase an action runs in: its kind's, or the kind's removing phase when it takes
// something away (an update_key that drops an org role runs with the removals).
Phase phase_of(const Action& action);

// Something the reviewer should know before applying: a stable code a pipeline can match (JSON
// "code") and the sentence a person reads. The message is plain text, unescaped: renderers escape.
struct PlanWarning {
  std::string code;  // e.g. "permission_org_owner", "secret_expiring", "secret_expired", "no_secret"
  std::string message;
  friend bool operator==(const PlanWarning&, const PlanWarning&) = default;
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
  // allowed to perform, a service account secret about to expire).
  std::vector<PlanWarning> warnings;

  PlanSummary summary() const { return summarise(actions); }
  int destroy_count() const;  // sum of removals(): what policy.max_destroy bounds
  bool has_changes() const { return !actions.empty(); }
};

// "assign zmmrboas to payments-prod" — how logs and errors name an action.
std::string describe(const Action& action);

}  // namespace keyform
