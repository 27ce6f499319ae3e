// The one table of action kinds. Everything that lists kinds — the planner's phases, the summary,
// every renderer, the plan file, the JSON schema test and the executor — reads it from here, so a
// new kind is one entry below plus its API call (api/family.cpp).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace keyform {

enum class ActionKind {
  create_key,
  assign,
  update_roles,
  update_key,
  add_access_entry,
  unassign,
  remove_access_entry,
  delete_key,
  // Service accounts. assign, update_roles, unassign and the access-list kinds above serve them too.
  create_service_account,
  update_service_account,
  create_secret,
  delete_secret,
  delete_service_account,
};

// Phases run strictly in order: keys are created first (what is granted next may name them),
// access is granted before any is taken away, and a key is deleted last. Actions inside one phase
// are independent of each other.
enum class Phase { create = 0, grant = 1, remove = 2, destroy = 3 };
constexpr int phase_count = 4;

// What an action addresses besides its key; the plan file and the executor check the shape by it.
enum class Scope {
  key,           // the key itself (create_key, update_key, delete_key)
  project,       // the key in one project (assign, update_roles, unassign)
  access_entry,  // one entry of the key's IP access list
  secret,        // one secret of a service account (delete_secret)
};

// Which principals a kind can name: keys only, service accounts only, or both.
enum class Principals { keys, service_accounts, both };

// How a reviewer sees a kind: the symbol's colour.
enum class Tone { add, change, remove };

// A count's words, for one and for any other number ("1 key to update", "2 keys to update").
struct Counted {
  std::string_view one;
  std::string_view many;
  std::string_view operator()(int n) const { return n == 1 ? one : many; }
};

struct ActionKindInfo {
  ActionKind kind;
  std::string_view name;     // JSON "action", plan-file and summary field name
  Phase phase;               // when the action takes nothing away
  Phase removing_phase;      // when it does (an update_key that drops an org role)
  Scope scope;
  Tone tone;
  std::string_view symbol;   // text plan: "+", "~", "-", "x"
  std::string_view heading;  // markdown table heading
  Counted planned;           // text summary: "{n} to assign"
  Counted done;              // apply summary: "{n} assigned"
  bool always_summarised;    // shown in the summary line even at 0 (the lines users already grep)
  // Makes the key it names (which has no id until then): the executor hands the id it answers
  // with to the later actions that name the same key.
  bool creates_key = false;
  Principals principals = Principals::both;
};

inline constexpr std::array<ActionKindInfo, 13> kActionKinds{{
    {ActionKind::create_key, "create_key", Phase::create, Phase::create, Scope::key, Tone::add, "+", "Create key",
     {"key to create", "keys to create"}, {"key created", "keys created"}, false, /*creates_key=*/true, Principals::keys},
    {ActionKind::assign, "assign", Phase::grant, Phase::grant, Scope::project, Tone::add, "+", "Assign",
     {"to assign", "to assign"}, {"assigned", "assigned"}, true},
    {ActionKind::update_roles, "update_roles", Phase::grant, Phase::grant, Scope::project, Tone::change, "~",
     "Update roles", {"to update", "to update"}, {"updated", "updated"}, true},
    {ActionKind::update_key, "update_key", Phase::grant, Phase::remove, Scope::key, Tone::change, "~",
     "Update key", {"key to update", "keys to update"}, {"key updated", "keys updated"}, false, false, Principals::keys},
    {ActionKind::add_access_entry, "add_access_entry", Phase::grant, Phase::grant, Scope::access_entry, Tone::add,
     "+", "Add access-list entry", {"access-list entry to add", "access-list entries to add"},
     {"access-list entry added", "access-list entries added"}, false},
    {ActionKind::unassign, "unassign", Phase::remove, Phase::remove, Scope::project, Tone::remove, "-", "Unassign",
     {"to unassign", "to unassign"}, {"unassigned", "unassigned"}, true},
    {ActionKind::remove_access_entry, "remove_access_entry", Phase::remove, Phase::remove, Scope::access_entry,
     Tone::remove, "-", "Remove access-list entry", {"access-list entry to remove", "access-list entries to remove"},
     {"access-list entry removed", "access-list entries removed"}, false},
    {ActionKind::delete_key, "delete_key", Phase::destroy, Phase::destroy, Scope::key, Tone::remove, "x",
     "Delete key", {"to delete", "to delete"}, {"deleted", "deleted"}, true, false, Principals::keys},
    {ActionKind::create_service_account, "create_service_account", Phase::create, Phase::create, Scope::key,
     Tone::add, "+", "Create service account", {"service account to create", "service accounts to create"},
     {"service account created", "service accounts created"}, false, /*creates_key=*/true,
     Principals::service_accounts},
    {ActionKind::update_service_account, "update_service_account", Phase::grant, Phase::remove, Scope::key,
     Tone::change, "~", "Update service account", {"service account to update", "service accounts to update"},
     {"service account updated", "service accounts updated"}, false, false, Principals::service_accounts},
    // A new secret before any removal: consumers move to it before an old one goes.
    {ActionKind::create_secret, "create_secret", Phase::grant, Phase::grant, Scope::key, Tone::add, "+",
     "Create secret", {"secret to create", "secrets to create"}, {"secret created", "secrets created"}, false,
     false, Principals::service_accounts},
    {ActionKind::delete_secret, "delete_secret", Phase::remove, Phase::remove, Scope::secret, Tone::remove, "-",
     "Delete secret", {"secret to delete", "secrets to delete"}, {"secret deleted", "secrets deleted"}, false,
     false, Principals::service_accounts},
    {ActionKind::delete_service_account, "delete_service_account", Phase::destroy, Phase::destroy, Scope::key,
     Tone::remove, "x", "Delete service account", {"service account to delete", "service accounts to delete"},
     {"service account deleted", "service accounts deleted"}, false, false, Principals::service_accounts},
}};

const ActionKindInfo& info(ActionKind kind);
std::string_view to_string(ActionKind kind);
std::optional<ActionKind> action_kind_from_string(std::string_view text);

}  // namespace keyform
