#include "core/plan_builder.h"

#include <algorithm>
#include <set>
#include <tuple>

#include "core/ids.h"

namespace keyform {

std::string reason_text(ReasonCode code) {
  switch (code) {
    case ReasonCode::declared: return "declared in config";
    case ReasonCode::roles_differ: return "roles differ";
    case ReasonCode::not_declared_for_key: return "not declared for this key";
    case ReasonCode::declared_absent: return "declared with state = \"absent\"";
    case ReasonCode::undeclared_key_unassign: return "undeclared key; policy unassign";
    case ReasonCode::undeclared_key_delete: return "undeclared key; policy delete";
    case ReasonCode::attributes_differ: return "attributes differ";
    case ReasonCode::access_entry_declared: return "declared in access_list";
    case ReasonCode::access_entry_not_declared: return "not in the declared access_list";
    case ReasonCode::no_key_with_desc: return "no key in the org has this description";
    case ReasonCode::undeclared_service_account_unassign: return "undeclared service account; policy unassign";
    case ReasonCode::undeclared_service_account_delete: return "undeclared service account; policy delete";
    case ReasonCode::no_service_account_with_name: return "no service account in the org has this name";
    case ReasonCode::secret_rotation_due: return "the latest secret expires within policy.secret_rotation_days";
    case ReasonCode::secret_expired: return "the secret has expired";
  }
  return "";
}

PlanBuilder::PlanBuilder(const Config& config, const LiveState& live, std::string_view self)
    : config_(config), self_(self) {
  for (const auto& p : live.projects) {
    projects_by_id_[p.id] = &p;
    projects_by_name_[p.name].push_back(&p);
  }
}

std::optional<std::string> PlanBuilder::resolve_project(const DeclaredProject& project) {
  if (is_object_id(project.ref)) {
    if (projects_by_id_.count(project.ref)) return project.ref;
    error(project.pos, "project " + project.ref + " does not exist in org " + org_id());
    return std::nullopt;
  }
  auto it = projects_by_name_.find(project.ref);
  if (it != projects_by_name_.end() && it->second.size() == 1) return it->second.front()->id;
  if (it == projects_by_name_.end()) {
    error(project.pos, "no project named \"" + project.ref + "\" in org " + org_id());
    return std::nullopt;
  }
  std::string ids;
  for (const auto* p : it->second) ids += (ids.empty() ? "" : ", ") + p->id;
  error(project.pos, "project name \"" + project.ref + "\" matches " + std::to_string(it->second.size()) +
                         " projects (" + ids + "): name the project by id");
  return std::nullopt;
}

ProjectInfo PlanBuilder::project_info(const std::string& project_id) const {
  auto it = projects_by_id_.find(project_id);
  return {project_id, it == projects_by_id_.end() ? std::string() : it->second->name};
}

std::map<std::string, std::vector<std::string>> PlanBuilder::desired_projects(
    const std::vector<DeclaredProject>& projects, const std::string& label) {
  std::map<std::string, std::vector<std::string>> desired;
  for (const auto& project : projects) {
    std::optional<std::string> id = resolve_project(project);
    if (id && !desired.emplace(*id, project.roles).second) {
      error(project.pos, "project \"" + project.ref + "\" is declared twice for " + label + " (by id and by name)");
    }
  }
  return desired;
}

std::vector<ProjectRoles> PlanBuilder::assignments(const std::map<std::string, std::vector<std::string>>& roles) const {
  std::vector<ProjectRoles> out;
  for (const auto& [project_id, project_roles] : roles) out.push_back({project_info(project_id), project_roles});
  std::sort(out.begin(), out.end(), [](const ProjectRoles& a, const ProjectRoles& b) {
    return std::tie(a.project.name, a.project.id) < std::tie(b.project.name, b.project.id);
  });
  return out;
}

Action PlanBuilder::action(ActionKind kind, const Principal& who, ReasonCode code) {
  Action action;
  action.kind = kind;
  action.key = who;
  action.reason_code = code;
  action.reason = reason_text(code);
  return action;
}

void PlanBuilder::add(Action action, std::optional<std::string> guard) {
  if (guard) {
    plan_.skipped.push_back({std::move(action), std::move(*guard)});
  } else {
    plan_.actions.push_back(std::move(action));
  }
}

std::vector<ProjectChange> project_changes(const std::map<std::string, std::vector<std::string>>& desired,
                                           const std::map<std::string, std::vector<std::string>>& live) {
  std::vector<ProjectChange> out;
  for (const auto& [project_id, roles] : desired) {
    auto it = live.find(project_id);
    if (it == live.end()) {
      out.push_back({ActionKind::assign, project_id, {}, roles, ReasonCode::declared});
    } else if (it->second != roles) {
      out.push_back({ActionKind::update_roles, project_id, it->second, roles, ReasonCode::roles_differ});
    }
  }
  for (const auto& [project_id, roles] : live) {
    if (!desired.count(project_id)) {
      out.push_back({ActionKind::unassign, project_id, roles, {}, ReasonCode::not_declared_for_key});
    }
  }
  return out;
}

std::vector<std::pair<ActionKind, std::string>> access_list_changes(const std::vector<std::string>& want,
                                                                    const std::vector<std::string>& have) {
  std::vector<std::pair<ActionKind, std::string>> out;
  for (const auto& entry : want) {
    if (std::find(have.begin(), have.end(), entry) == have.end()) out.emplace_back(ActionKind::add_access_entry, entry);
  }
  for (const auto& entry : have) {
    if (std::find(want.begin(), want.end(), entry) == want.end()) {
      out.emplace_back(ActionKind::remove_access_entry, entry);
    }
  }
  return out;
}

std::vector<Action> attribute_updates(Action update, bool self, const std::vector<std::string>& live_org_roles,
                                      const std::function<std::string(const KeyAttributes&)>& reason) {
  update.reason = reason(update.after);
  if (!self || !update.removes()) return {std::move(update)};
  std::vector<Action> out;
  Action gains = update;
  std::set<std::string> roles(live_org_roles.begin(), live_org_roles.end());
  roles.insert(update.after.org_roles->begin(), update.after.org_roles->end());
  gains.after.org_roles = std::vector<std::string>(roles.begin(), roles.end());
  if (*gains.after.org_roles == live_org_roles) gains.before.org_roles = gains.after.org_roles = std::nullopt;
  if (!gains.after.empty()) {
    gains.reason = reason(gains.after);
    out.push_back(std::move(gains));
  }
  Action& loss = out.emplace_back(std::move(update));
  loss.before.desc = loss.after.desc = std::nullopt;
  loss.before.name = loss.after.name = std::nullopt;
  loss.reason = reason(loss.after);
  return out;
}

namespace {

// Execution order: by phase, keys before service accounts, then by principal (public key, id,
// or the name of one to be created), by scope, and by project or entry.
auto order_of(const Action& a) {
  const Principal& p = a.key;
  const std::string& who = !p.public_key.empty() ? p.public_key : p.is_service_account() ? p.desc : !p.id.empty() ? p.id : p.desc;
  const std::string target = a.project ? a.project->name + '\n' + a.project->id
                             : a.secret ? a.secret->expires_at + '\n' + a.secret->id
                                        : a.entry.value_or("");
  return std::tuple(phase_of(a), static_cast<int>(p.kind), who, p.id, static_cast<int>(info(a.kind).scope), target);
}

// Sorts by order_of, stably. Each key is built once instead of twice per comparison: a plan of
// 40 000 actions otherwise spends most of its sort copying strings.
template <typename T, typename Action_of>
void sort_in_execution_order(std::vector<T>& items, Action_of action_of) {
  using Key = decltype(order_of(action_of(items.front())));
  std::vector<std::pair<Key, std::size_t>> keys;
  keys.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) keys.emplace_back(order_of(action_of(items[i])), i);
  std::sort(keys.begin(), keys.end());  // the index breaks ties: stable
  std::vector<T> sorted;
  sorted.reserve(items.size());
  for (auto& [key, i] : keys) sorted.push_back(std::move(items[i]));
  items = std::move(sorted);
}

}  // namespace

PlanResult PlanBuilder::finish() {
  if (!errors_.empty()) return {std::nullopt, std::move(errors_)};
  if (!plan_.actions.empty()) sort_in_execution_order(plan_.actions, [](const Action& a) -> const Action& { return a; });
  if (!plan_.skipped.empty()) {
    sort_in_execution_order(plan_.skipped, [](const SkippedAction& s) -> const Action& { return s.action; });
  }
  plan_.target = {config_.target.api, config_.target.org_id, config_.target.base_url};
  return {std::move(plan_), {}};
}

}  // namespace keyform
