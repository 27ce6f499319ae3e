// Carries out a plan: phases strictly in order, and after the first failure no new action
// starts. Each action's outcome is recorded exactly once, so the report says what was done.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/plan.h"

namespace keyform {

enum class Outcome { done, failed, not_started };

struct ActionResult {
  Action action;
  Outcome outcome = Outcome::not_started;
  std::string error;  // for failed actions
};

struct ApplyReport {
  std::vector<ActionResult> results;  // one per plan action, in plan order

  bool succeeded() const;
  int count(Outcome outcome) const;
};

// Runs one action; throws std::exception with a message on failure.
using ActionRunner = std::function<void(const Action&)>;
// Called as each action finishes (done or failed), for live progress output.
using ProgressSink = std::function<void(const ActionResult&)>;

ApplyReport execute_plan(const Plan& plan, const ActionRunner& run, const ProgressSink& progress);

}  // namespace keyform
