// What the key planner and the service-account planner share while they build one plan: the
// project lookups, the reasons' sentences, the guards, and the actions and errors collected so
// far. Internal to core/planner*.cpp.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/live_state.h"
#include "core/plan.h"
#include "core/planner.h"

namespace keyform {

// The sentence beside each reason code (JSON "reason").
std::string reason_text(ReasonCode code);

class PlanBuilder {
 public:
  PlanBuilder(const Config& config, const LiveState& live, std::string_view self);

  const Config& config() const { return config_; }
  const std::string& org_id() const { return config_.target.org_id; }
  std::string_view self() const { return self_; }

  // The project a config entry names, by id or by unique name; nothing (with the error said)
  // when it names none or several.
  std::optional<std::string> resolve_project(const DeclaredProject& project);
  // The project's id and name as the plan shows it.
  ProjectInfo project_info(const std::string& project_id) const;
  // Each project of a principal's entry, resolved, by id; an error for one named twice.
  std::map<std::string, std::vector<std::string>> desired_projects(const std::vector<DeclaredProject>& projects,
                                                                   const std::string& label);
  // What the principal had in each project, sorted by project name then id (a delete's blast radius).
  std::vector<ProjectRoles> assignments(const std::map<std::string, std::vector<std::string>>& roles) const;

  static Action action(ActionKind kind, const Principal& who, ReasonCode code);

  // Into the plan, or into its skipped list when a guard says the action must not happen.
  void add(Action action, std::optional<std::string> guard);
  void add(Action action) { add(std::move(action), std::nullopt); }
  void warn(std::string code, std::string message) { plan_.warnings.push_back({std::move(code), std::move(message)}); }
  void error(SourcePos pos, std::string message) { errors_.push_back({pos, std::move(message)}); }

  PlanResult finish();

 private:
  const Config& config_;
  std::string self_;
  std::map<std::string, const LiveProject*> projects_by_id_;
  std::map<std::string, std::vector<const LiveProject*>> projects_by_name_;
  Plan plan_;
  std::vector<PlanError> errors_;
};

// One change to a principal's projects: what the declared table and the live roles differ by.
struct ProjectChange {
  ActionKind kind;  // assign, update_roles or unassign
  std::string project_id;
  std::vector<std::string> before, after;
  ReasonCode code;
};
std::vector<ProjectChange> project_changes(const std::map<std::string, std::vector<std::string>>& desired,
                                           const std::map<std::string, std::vector<std::string>>& live);

// The entries to add (declared, not live) and to remove (live, not declared), as kinds and CIDRs.
std::vector<std::pair<ActionKind, std::string>> access_list_changes(const std::vector<std::string>& want,
                                                                    const std::vector<std::string>& have);

// An update of a principal's attributes, its reason given by `reason` (which names what it
// changes). keyform's own principal (`self`) may gain org roles (and a new name or description),
// never lose one: an update of it that drops a role becomes the gains (none when there are none)
// and the loss alone, which the guard then skips.
std::vector<Action> attribute_updates(Action update, bool self, const std::vector<std::string>& live_org_roles,
                                      const std::function<std::string(const KeyAttributes&)>& reason);

// Plans the [[service_accounts]] entries and the undeclared accounts into `builder`.
void plan_service_accounts(PlanBuilder& builder, const LiveState& live);

}  // namespace keyform
