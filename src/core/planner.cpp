#include "core/planner.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/guards.h"
#include "core/plan_builder.h"

namespace keyform {
namespace {

// Read-only lookups over the live org, built once per plan.
class LiveIndex {
 public:
  explicit LiveIndex(const LiveState& live) {
    // Keys are identified by id only: a listing that repeats a key (offset paging while the org
    // changes) must never make one copy look undeclared. The first copy wins.
    for (const auto& k : live.keys) {
      if (!keys_by_id_.emplace(k.id, &k).second) continue;
      keys_by_public_key_[k.public_key].push_back(&k);
      keys_by_desc_[k.desc].push_back(&k);
    }
  }

  // Every live key with exactly this description (a key the config names by its description).
  std::vector<const LiveKey*> keys_with_desc(const std::string& desc) const {
    auto it = keys_by_desc_.find(desc);
    return it == keys_by_desc_.end() ? std::vector<const LiveKey*>{} : it->second;
  }

  const LiveKey* key_by_id(const std::string& id) const {
    auto it = keys_by_id_.find(id);
    return it == keys_by_id_.end() ? nullptr : it->second;
  }

  // Every live key with this public key: more than one is ambiguous, and the caller says so.
  std::vector<const LiveKey*> keys_with_public_key(const std::string& public_key) const {
    auto it = keys_by_public_key_.find(public_key);
    return it == keys_by_public_key_.end() ? std::vector<const LiveKey*>{} : it->second;
  }

  // The live keys a config entry names: by its id, else its public key, else its description.
  std::vector<const LiveKey*> keys_named(const DeclaredKey& declared) const {
    if (declared.by_desc()) return keys_with_desc(*declared.desc);
    if (declared.id.empty()) return keys_with_public_key(declared.public_key);
    const LiveKey* key = key_by_id(declared.id);
    return key ? std::vector<const LiveKey*>{key} : std::vector<const LiveKey*>{};
  }

  // The distinct live keys, in listing order.
  std::vector<const LiveKey*> unique_keys() const {
    std::vector<const LiveKey*> out;
    for (const auto& [id, key] : keys_by_id_) out.push_back(key);
    std::sort(out.begin(), out.end());  // pointers into live.keys: listing order
    return out;
  }

 private:
  std::map<std::string, const LiveKey*> keys_by_id_;
  std::map<std::string, std::vector<const LiveKey*>> keys_by_public_key_;
  std::map<std::string, std::vector<const LiveKey*>> keys_by_desc_;
};

Principal key_info(const LiveKey& key) { return {key.id, key.public_key, key.desc}; }

// Collects actions and errors while walking the config and the live keys.
class Planner {
 public:
  Planner(PlanBuilder& builder, const LiveState& live)
      : builder_(builder), config_(builder.config()), index_(live), self_(builder.self()) {}

  void run() {
    const std::set<std::string> declared = plan_declared_keys();
    if (config_.policy.undeclared_keys != UndeclaredPolicy::ignore) {
      for (const LiveKey* key : index_.unique_keys()) {
        if (!declared.count(key->id)) plan_undeclared_key(*key);
      }
    }
  }

 private:
  // The live key a declaration names. Null, with the error said, when the name is ambiguous or
  // names no key (no error for a key declared absent: it is already gone).
  const LiveKey* find_key(const DeclaredKey& declared) {
    if (declared.by_desc()) return find_key_by_desc(declared);
    const auto matches = index_.keys_named(declared);
    if (matches.size() == 1) return matches.front();
    if (matches.empty()) {
      if (declared.state == KeyState::present) {
        error(declared.pos, "key \"" + declared.label() + "\" does not exist in org " + config_.target.org_id);
      }
      return nullptr;
    }
    std::string ids;
    for (const auto* k : matches) ids += (ids.empty() ? "" : ", ") + k->id;
    error(declared.pos, "public key \"" + declared.public_key + "\" matches " + std::to_string(matches.size()) +
                            " keys in org " + config_.target.org_id + " (" + ids +
                            "): the listing is ambiguous; name the key by id");
    return nullptr;
  }

  // The one live key with the declared description; none (no error: the plan creates it), or an
  // error naming every match when the description is ambiguous.
  const LiveKey* find_key_by_desc(const DeclaredKey& declared) {
    const auto matches = index_.keys_with_desc(*declared.desc);
    if (matches.size() == 1) return matches.front();
    if (matches.size() > 1) {
      std::string ids;
      for (const auto* k : matches) ids += (ids.empty() ? "" : ", ") + k->id;
      error(declared.desc_pos, "desc \"" + *declared.desc + "\" matches " + std::to_string(matches.size()) +
                                   " keys in org " + config_.target.org_id + " (" + ids +
                                   "): name the key by id, or give the others another description");
    }
    return nullptr;
  }

  // Ids of the live keys the file declares (present or absent).
  std::set<std::string> plan_declared_keys() {
    std::map<std::string, const DeclaredKey*> seen;
    for (const auto& declared : config_.keys) {
      const LiveKey* live = find_key(declared);
      if (!live && declared.by_desc() && declared.state == KeyState::present &&
          index_.keys_with_desc(*declared.desc).empty()) {
        plan_new_key(declared);
      }
      if (!live) continue;
      auto [it, inserted] = seen.emplace(live->id, &declared);
      if (!inserted) {
        error(declared.pos, "key \"" + declared.label() + "\" is the same key as \"" +
                                it->second->label() + "\" declared on line " +
                                std::to_string(it->second->pos.line));
        continue;
      }
      if (declared.state == KeyState::absent) {
        add(delete_action(*live, ReasonCode::declared_absent), *live);
      } else {
        plan_present_key(declared, *live);
      }
    }
    std::set<std::string> result;
    for (const auto& [id, _] : seen) result.insert(id);
    return result;
  }

  // A key the org does not have yet: create it, then give it its projects and access list. The
  // later actions name it by its description; the executor fills in the id the create answers with.
  void plan_new_key(const DeclaredKey& declared) {
    const Principal key{"", "", *declared.desc};
    Action create = new_key_action(ActionKind::create_key, key, ReasonCode::no_key_with_desc);
    create.after.desc = *declared.desc;
    // The API wants at least one org role; the least a key can have is membership.
    create.after.org_roles = declared.org_roles.value_or(std::vector<std::string>{"ORG_MEMBER"});
    builder_.add(std::move(create));
    for (const auto& [project_id, roles] : builder_.desired_projects(declared.projects, key_label(declared))) {
      Action assign = new_key_action(ActionKind::assign, key, ReasonCode::declared);
      assign.project = builder_.project_info(project_id);
      assign.roles_after = roles;
      builder_.add(std::move(assign));
    }
    for (const auto& entry : declared.access_list.value_or(std::vector<std::string>{})) {
      Action add = new_key_action(ActionKind::add_access_entry, key, ReasonCode::access_entry_declared);
      add.entry = entry;
      builder_.add(std::move(add));
    }
  }

  static std::string key_label(const DeclaredKey& declared) { return "key \"" + declared.label() + "\""; }

  // An action on a key that does not exist yet: no guard applies (it is neither protected nor
  // keyform's own, and nothing is taken from it).
  static Action new_key_action(ActionKind kind, const Principal& key, ReasonCode code) {
    return PlanBuilder::action(kind, key, code);
  }

  void plan_present_key(const DeclaredKey& declared, const LiveKey& live) {
    plan_projects(declared, live);
    plan_attributes(declared, live);
    plan_access_list(declared, live);
  }

  void plan_projects(const DeclaredKey& declared, const LiveKey& live) {
    const auto desired = builder_.desired_projects(declared.projects, key_label(declared));
    for (auto& change : project_changes(desired, live.project_roles)) {
      add(project_action(change.kind, live, change.project_id, std::move(change.before), std::move(change.after),
                         change.code),
          live);
    }
  }

  // desc and org roles: one update_key with the fields that differ (each managed only when declared).
  void plan_attributes(const DeclaredKey& declared, const LiveKey& live) {
    Action update = key_action(ActionKind::update_key, live, ReasonCode::attributes_differ);
    if (declared.desc && *declared.desc != live.desc) {
      update.before.desc = live.desc;
      update.after.desc = *declared.desc;
    }
    if (declared.org_roles && *declared.org_roles != live.org_roles) {
      update.before.org_roles = live.org_roles;
      update.after.org_roles = *declared.org_roles;
    }
    if (update.after.empty()) return;
    for (Action& action : attribute_updates(std::move(update), is_self(live), live.org_roles, attributes_reason)) {
      add(std::move(action), live);
    }
  }

  static std::string attributes_reason(const KeyAttributes& after) {
    if (after.desc && after.org_roles) return "description and org roles differ";
    return after.desc ? "description differs" : "org roles differ";
  }

  void plan_access_list(const DeclaredKey& declared, const LiveKey& live) {
    if (!declared.access_list) return;
    if (!live.access_list) {
      error(declared.access_list_pos, "the access list of key \"" + declared.label() + "\" was not read");
      return;
    }
    for (const auto& [kind, entry] : access_list_changes(*declared.access_list, *live.access_list)) {
      const ReasonCode code = kind == ActionKind::add_access_entry ? ReasonCode::access_entry_declared
                                                                   : ReasonCode::access_entry_not_declared;
      add(entry_action(kind, live, entry, code), live);
    }
  }

  void plan_undeclared_key(const LiveKey& key) {
    if (config_.policy.undeclared_keys == UndeclaredPolicy::remove) {
      // The service cascades a key delete to every project: no unassigns for this key.
      add(delete_action(key, ReasonCode::undeclared_key_delete), key);
      return;
    }
    for (const auto& [project_id, roles] : key.project_roles) {
      add(project_action(ActionKind::unassign, key, project_id, roles, {}, ReasonCode::undeclared_key_unassign), key);
    }
  }

  Action key_action(ActionKind kind, const LiveKey& key, ReasonCode code) const {
    return new_key_action(kind, key_info(key), code);
  }

  Action project_action(ActionKind kind, const LiveKey& key, const std::string& project_id,
                        std::vector<std::string> before, std::vector<std::string> after, ReasonCode code) const {
    Action action = key_action(kind, key, code);
    action.project = builder_.project_info(project_id);
    action.roles_before = std::move(before);
    action.roles_after = std::move(after);
    return action;
  }

  Action entry_action(ActionKind kind, const LiveKey& key, const std::string& entry, ReasonCode code) const {
    Action action = key_action(kind, key, code);
    action.entry = entry;
    return action;
  }

  // The service cascades a delete to every project, so the action lists what the key loses.
  Action delete_action(const LiveKey& key, ReasonCode code) const {
    Action action = key_action(ActionKind::delete_key, key, code);
    action.assignments_before = builder_.assignments(key.project_roles);
    return action;
  }

  bool is_self(const LiveKey& key) const { return !self_.empty() && key.public_key == self_; }

  void add(Action action, const LiveKey& live) {
    std::optional<std::string> guard = guard_reason(action, config_.policy, self_, &live);
    builder_.add(std::move(action), std::move(guard));
  }

  void error(SourcePos pos, std::string message) { builder_.error(pos, std::move(message)); }

  PlanBuilder& builder_;
  const Config& config_;
  LiveIndex index_;
  std::string self_;
};

}  // namespace

PlanResult make_plan(const Config& config, const LiveState& live, std::string_view self) {
  PlanBuilder builder(config, live, self);
  Planner(builder, live).run();
  plan_service_accounts(builder, live);
  return builder.finish();
}

std::vector<std::string> access_lists_to_read(const Config& config, const LiveState& live) {
  const LiveIndex index(live);
  std::set<std::string> ids;
  for (const auto& declared : config.keys) {
    if (!declared.access_list || declared.state == KeyState::absent) continue;
    for (const LiveKey* key : index.keys_named(declared)) ids.insert(key->id);
  }
  return {ids.begin(), ids.end()};
}

std::optional<std::string> check_max_destroy(const Plan& plan, const Policy& policy) {
  if (!policy.max_destroy) return std::nullopt;
  const int destroy = plan.destroy_count();
  if (destroy <= *policy.max_destroy) return std::nullopt;
  return "the plan removes access " + std::to_string(destroy) +
         " times (unassigns, deletes, removed org roles and access-list entries), more than policy.max_destroy = " +
         std::to_string(*policy.max_destroy) + "; refusing to apply it";
}

}  // namespace keyform
