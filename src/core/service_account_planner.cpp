// The [[service_accounts]] half of the planner: the same rules as for keys (projects exact,
// attributes managed when declared, state = "absent", undeclared policy, guards), plus secrets
// that must not expire unnoticed.
#include <algorithm>
#include <set>

#include "core/guards.h"
#include "core/plan_builder.h"
#include "core/timestamp.h"

namespace keyform {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

Principal principal_of(const LiveServiceAccount& account) {
  return {account.client_id, "", account.name, PrincipalKind::service_account};
}

std::string label_of(const LiveServiceAccount& account) {
  return "service account \"" + account.name + "\" (" + account.client_id + ")";
}

bool is_protected(const Policy& policy, const std::string& client_id) {
  return std::find(policy.protected_keys.begin(), policy.protected_keys.end(), client_id) !=
         policy.protected_keys.end();
}

// The latest expiry among the secrets, and the secrets already expired at `now`.
struct SecretState {
  std::optional<std::int64_t> latest;
  std::vector<const LiveSecret*> expired;
  std::vector<const LiveSecret*> unreadable;
};

SecretState secret_state(const LiveServiceAccount& account, std::int64_t now) {
  SecretState state;
  for (const auto& secret : account.secrets) {
    const std::optional<std::int64_t> expires = parse_rfc3339(secret.expires_at);
    if (!expires) {
      state.unreadable.push_back(&secret);
      continue;
    }
    state.latest = std::max(state.latest.value_or(*expires), *expires);
    if (now != 0 && *expires <= now) state.expired.push_back(&secret);
  }
  return state;
}

class ServiceAccountPlanner {
 public:
  ServiceAccountPlanner(PlanBuilder& builder, const LiveState& live)
      : builder_(builder), config_(builder.config()), live_(live) {
    for (const auto& account : live.service_accounts) {
      // A listing that repeats an account must never make one copy look undeclared: first wins.
      if (!by_id_.emplace(account.client_id, &account).second) continue;
      by_name_[account.name].push_back(&account);
    }
  }

  void run() {
    std::set<std::string> declared;
    for (const auto& entry : config_.service_accounts) plan_declared(entry, declared);
    if (config_.policy.undeclared_service_accounts == UndeclaredPolicy::ignore) return;
    for (const auto& [client_id, account] : by_id_) {
      if (!declared.count(client_id)) plan_undeclared(*account);
    }
  }

 private:
  void plan_declared(const DeclaredServiceAccount& entry, std::set<std::string>& declared) {
    const LiveServiceAccount* live = find(entry);
    if (!live) {
      if (entry.by_name() && entry.state == KeyState::present && by_name_.count(*entry.name) == 0) plan_new(entry);
      return;
    }
    auto [it, inserted] = first_entry_.emplace(live->client_id, &entry);
    if (!inserted) {
      builder_.error(entry.pos, "service account \"" + entry.label() + "\" is the same account as \"" +
                                    it->second->label() + "\" declared on line " + std::to_string(it->second->pos.line));
      return;
    }
    declared.insert(live->client_id);
    if (entry.state == KeyState::absent) {
      add(delete_action(*live, ReasonCode::declared_absent), *live);
      return;
    }
    plan_projects(entry, *live);
    plan_attributes(entry, *live);
    plan_access_list(entry, *live);
    plan_secrets(entry, *live);
  }

  // The live account an entry names; null (with the error said) when it names none or several.
  const LiveServiceAccount* find(const DeclaredServiceAccount& entry) {
    if (!entry.by_name()) {
      auto it = by_id_.find(entry.client_id);
      if (it != by_id_.end()) return it->second;
      if (entry.state == KeyState::present) {
        builder_.error(entry.pos, "service account " + entry.client_id + " does not exist in org " + builder_.org_id());
      }
      return nullptr;
    }
    auto it = by_name_.find(*entry.name);
    if (it == by_name_.end()) return nullptr;
    if (it->second.size() == 1) return it->second.front();
    std::string ids;
    for (const auto* a : it->second) ids += (ids.empty() ? "" : ", ") + a->client_id;
    builder_.error(entry.name_pos, "name \"" + *entry.name + "\" matches " + std::to_string(it->second.size()) +
                                       " service accounts in org " + builder_.org_id() + " (" + ids +
                                       "): name the account by client_id");
    return nullptr;
  }

  // An account the org does not have yet: create it (its first secret comes with it), then give it
  // its projects and access list. The executor hands the client id on to those actions.
  void plan_new(const DeclaredServiceAccount& entry) {
    if (!entry.description) {
      builder_.error(entry.pos, "service account \"" + *entry.name + "\" does not exist in org " + builder_.org_id() +
                                    " and would be created, which needs a description: add description = \"…\"");
      return;
    }
    const Principal who{"", "", *entry.name, PrincipalKind::service_account};
    Action create = PlanBuilder::action(ActionKind::create_service_account, who, ReasonCode::no_service_account_with_name);
    create.after.name = *entry.name;
    create.after.desc = *entry.description;
    create.after.org_roles = entry.org_roles.value_or(std::vector<std::string>{"ORG_MEMBER"});
    create.after.expires_after_hours = entry.expires_after_hours();
    builder_.add(std::move(create));
    for (const auto& [project_id, roles] : builder_.desired_projects(entry.projects, label(entry))) {
      Action assign = PlanBuilder::action(ActionKind::assign, who, ReasonCode::declared);
      assign.project = builder_.project_info(project_id);
      assign.roles_after = roles;
      builder_.add(std::move(assign));
    }
    for (const auto& cidr : entry.access_list.value_or(std::vector<std::string>{})) {
      Action add = PlanBuilder::action(ActionKind::add_access_entry, who, ReasonCode::access_entry_declared);
      add.entry = cidr;
      builder_.add(std::move(add));
    }
  }

  static std::string label(const DeclaredServiceAccount& entry) { return "service account \"" + entry.label() + "\""; }

  void plan_projects(const DeclaredServiceAccount& entry, const LiveServiceAccount& live) {
    if (!live.project_roles) {
      builder_.error(entry.pos, "the projects of " + label_of(live) + " were not read");
      return;
    }
    const auto desired = builder_.desired_projects(entry.projects, label(entry));
    for (auto& change : project_changes(desired, *live.project_roles)) {
      add(project_action(change.kind, live, change.project_id, std::move(change.before), std::move(change.after),
                         change.code),
          live);
    }
  }

  // name, description and org roles: one update_service_account with the fields that differ.
  void plan_attributes(const DeclaredServiceAccount& entry, const LiveServiceAccount& live) {
    Action update = PlanBuilder::action(ActionKind::update_service_account, principal_of(live),
                                        ReasonCode::attributes_differ);
    if (entry.name && *entry.name != live.name) {
      update.before.name = live.name;
      update.after.name = *entry.name;
    }
    if (entry.description && *entry.description != live.description) {
      update.before.desc = live.description;
      update.after.desc = *entry.description;
    }
    if (entry.org_roles && *entry.org_roles != live.org_roles) {
      update.before.org_roles = live.org_roles;
      update.after.org_roles = *entry.org_roles;
    }
    if (update.after.empty()) return;
    for (Action& action : attribute_updates(std::move(update), is_self(live), live.org_roles, attributes_reason)) {
      add(std::move(action), live);
    }
  }

  static std::string attributes_reason(const KeyAttributes& after) {
    std::vector<std::string> fields;
    if (after.name) fields.push_back("name");
    if (after.desc) fields.push_back("description");
    if (after.org_roles) fields.push_back("org roles");
    std::string text;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      text += (i == 0 ? "" : i + 1 == fields.size() ? " and " : ", ") + fields[i];
    }
    return text + (fields.size() == 1 && fields[0] != "org roles" ? " differs" : " differ");
  }

  void plan_access_list(const DeclaredServiceAccount& entry, const LiveServiceAccount& live) {
    if (!entry.access_list) return;
    if (!live.access_list) {
      builder_.error(entry.access_list_pos, "the access list of " + label_of(live) + " was not read");
      return;
    }
    for (const auto& [kind, cidr] : access_list_changes(*entry.access_list, *live.access_list)) {
      const ReasonCode code = kind == ActionKind::add_access_entry ? ReasonCode::access_entry_declared
                                                                   : ReasonCode::access_entry_not_declared;
      add(entry_action(kind, live, cidr, code), live);
    }
  }

  // Warn about a secret that expires within the window (or has, or is missing); with
  // secret_rotation_days set, rotate instead: a new secret now, the expired ones deleted. A valid
  // secret is never deleted: its consumers move to the new one first.
  void plan_secrets(const DeclaredServiceAccount& entry, const LiveServiceAccount& live) {
    const std::int64_t now = live_.read_at;
    const SecretState state = secret_state(live, now);
    for (const LiveSecret* secret : state.unreadable) {
      builder_.warn("secret_expiry_unreadable", label_of(live) + ": secret " + secret->id +
                                                    " has an expiry keyform cannot read (\"" + secret->expires_at + "\")");
    }
    const int days = config_.policy.rotation_warning_days();
    const bool due = !state.latest || (now != 0 && *state.latest <= now + days * kSecondsPerDay);
    const bool rotate = config_.policy.secret_rotation_days && !is_protected(config_.policy, live.client_id);
    if (due && !rotate) warn_expiry(live, state, now, days);
    if (!rotate) return;
    if (due) {
      Action create = PlanBuilder::action(ActionKind::create_secret, principal_of(live), ReasonCode::secret_rotation_due);
      create.after.expires_after_hours = entry.expires_after_hours();
      if (!state.latest) create.reason = "the account has no secret";
      else if (*state.latest <= now) create.reason = "every secret has expired";
      add(std::move(create), live);
    }
    for (const LiveSecret* secret : state.expired) {
      Action remove = PlanBuilder::action(ActionKind::delete_secret, principal_of(live), ReasonCode::secret_expired);
      remove.secret = SecretInfo{secret->id, secret->expires_at};
      add(std::move(remove), live);
    }
  }

  void warn_expiry(const LiveServiceAccount& live, const SecretState& state, std::int64_t now, int days) {
    const std::string who = label_of(live);
    const std::string hint = is_protected(config_.policy, live.client_id)
                                 ? " (protected: keyform does not rotate it)"
                                 : ": create a new secret, or set policy.secret_rotation_days to let keyform do it";
    if (!state.latest) {
      builder_.warn("no_secret", who + " has no secret: nothing can authenticate as it" + hint);
    } else if (*state.latest <= now) {
      builder_.warn("secret_expired", who + ": every secret has expired (the latest at " +
                                          format_rfc3339(*state.latest) + "): nothing can authenticate as it" + hint);
    } else {
      builder_.warn("secret_expiring", who + ": its latest secret expires at " + format_rfc3339(*state.latest) +
                                           ", within " + std::to_string(days) + " days" + hint);
    }
  }

  void plan_undeclared(const LiveServiceAccount& account) {
    if (config_.policy.undeclared_service_accounts == UndeclaredPolicy::remove) {
      add(delete_action(account, ReasonCode::undeclared_service_account_delete), account);
      return;
    }
    if (!account.project_roles) {
      builder_.error({}, "the projects of " + label_of(account) + " were not read");
      return;
    }
    for (const auto& [project_id, roles] : *account.project_roles) {
      add(project_action(ActionKind::unassign, account, project_id, roles, {},
                         ReasonCode::undeclared_service_account_unassign),
          account);
    }
  }

  Action project_action(ActionKind kind, const LiveServiceAccount& account, const std::string& project_id,
                        std::vector<std::string> before, std::vector<std::string> after, ReasonCode code) const {
    Action action = PlanBuilder::action(kind, principal_of(account), code);
    if (code == ReasonCode::not_declared_for_key) action.reason = "not declared for this service account";
    action.project = builder_.project_info(project_id);
    action.roles_before = std::move(before);
    action.roles_after = std::move(after);
    return action;
  }

  static Action entry_action(ActionKind kind, const LiveServiceAccount& account, const std::string& cidr,
                             ReasonCode code) {
    Action action = PlanBuilder::action(kind, principal_of(account), code);
    action.entry = cidr;
    return action;
  }

  // A delete takes the account's project access with it: the action lists it (when it was read).
  Action delete_action(const LiveServiceAccount& account, ReasonCode code) const {
    Action action = PlanBuilder::action(ActionKind::delete_service_account, principal_of(account), code);
    if (account.project_roles) action.assignments_before = builder_.assignments(*account.project_roles);
    return action;
  }

  bool is_self(const LiveServiceAccount& account) const {
    return !builder_.self().empty() && account.client_id == builder_.self();
  }

  void add(Action action, const LiveServiceAccount& live) {
    std::optional<std::string> guard = guard_reason(action, config_.policy, builder_.self(), &live);
    builder_.add(std::move(action), std::move(guard));
  }

  PlanBuilder& builder_;
  const Config& config_;
  const LiveState& live_;
  std::map<std::string, const LiveServiceAccount*> by_id_;
  std::map<std::string, std::vector<const LiveServiceAccount*>> by_name_;
  std::map<std::string, const DeclaredServiceAccount*> first_entry_;
};

}  // namespace

void plan_service_accounts(PlanBuilder& builder, const LiveState& live) {
  if (!reads_service_accounts(builder.config())) return;
  if (!live.service_accounts_read) {
    builder.error({}, "the org's service accounts were not read");
    return;
  }
  ServiceAccountPlanner(builder, live).run();
}

bool reads_service_accounts(const Config& config) {
  return !config.service_accounts.empty() || config.policy.undeclared_service_accounts != UndeclaredPolicy::ignore;
}

bool declares(const DeclaredServiceAccount& declared, const LiveServiceAccount& account) {
  return declared.by_name() ? account.name == *declared.name : account.client_id == declared.client_id;
}

std::vector<std::string> service_accounts_to_read(const Config& config, const LiveState& live) {
  std::set<std::string> ids;
  const bool all = config.policy.undeclared_service_accounts != UndeclaredPolicy::ignore;
  for (const auto& account : live.service_accounts) {
    const bool wanted = all || std::any_of(config.service_accounts.begin(), config.service_accounts.end(),
                                           [&](const DeclaredServiceAccount& d) { return declares(d, account); });
    if (wanted) ids.insert(account.client_id);
  }
  return {ids.begin(), ids.end()};
}

std::vector<std::string> service_account_access_lists_to_read(const Config& config, const LiveState& live) {
  std::set<std::string> ids;
  for (const auto& declared : config.service_accounts) {
    if (!declared.access_list || declared.state == KeyState::absent) continue;
    for (const auto& account : live.service_accounts) {
      if (declares(declared, account)) ids.insert(account.client_id);
    }
  }
  return {ids.begin(), ids.end()};
}

}  // namespace keyform
