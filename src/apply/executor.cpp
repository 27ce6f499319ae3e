#include "apply/executor.h"

#include <atomic>
#include <exception>
#include <mutex>
#include <stdexcept>

#include "core/groups.h"
#include "util/parallel.h"

namespace keyform {
namespace {

// One phase's actions taken project by project in turn (plan order within each project, and
// actions on no project as one more group): the API meters project calls per project, so every
// project's bucket drains at once instead of one after another.
std::vector<int> interleave_projects(const Plan& plan, const std::vector<int>& phase) {
  const auto groups = group_indices(phase.size(), [&](std::size_t i) {
    const auto& project = plan.actions[phase[i]].project;
    return project ? project->id : std::string();
  });
  std::vector<int> out;
  for (std::size_t round = 0; out.size() < phase.size(); ++round) {
    for (const auto& group : groups) {
      if (round < group.size()) out.push_back(phase[group[round]]);
    }
  }
  return out;
}

// Indices of the plan's actions, one list per phase, projects interleaved.
std::vector<std::vector<int>> by_phase(const Plan& plan) {
  std::vector<std::vector<int>> phases(phase_count);
  for (int i = 0; i < static_cast<int>(plan.actions.size()); ++i) {
    phases[static_cast<int>(phase_of(plan.actions[i]))].push_back(i);
  }
  for (auto& phase : phases) phase = interleave_projects(plan, phase);
  return phases;
}

// Key ids produced by earlier phases, by the description that names the key in the plan. Written
// only between phases, read only inside one: no lock needed.
class ProducedKeys {
 public:
  void record(const Action& action) {
    if (info(action.kind).creates_key && !action.key.id.empty()) keys_[{action.key.kind, action.key.desc}] = action.key;
  }
  // Fills in the id of a key the plan names only by description; throws when no earlier action
  // produced it (its creation failed or never ran, so this action cannot run either).
  void resolve(Action& action) const {
    if (!action.key.id.empty() || info(action.kind).creates_key) return;
    auto it = keys_.find({action.key.kind, action.key.desc});
    if (it == keys_.end()) {
      throw std::runtime_error(std::string(action.key.is_service_account() ? "the service account \"" : "the key \"") +
                               action.key.desc + "\" has no id: no earlier action created it");
    }
    action.key = it->second;
  }

 private:
  // By kind and description (a key) or name (a service account): a key and an account may share one.
  std::map<std::pair<PrincipalKind, std::string>, Principal> keys_;
};

// A create names its key from now on by what the API answered: the report shows it, and later
// actions get it through ProducedKeys.
void take_created_key(Action& action, const ActionOutput& output) {
  if (!info(action.kind).creates_key || !output.key_id) return;
  action.key.id = *output.key_id;
  action.key.public_key = output.public_key;
}

}  // namespace

std::vector<Action> ExecutionControl::in_flight() const {
  std::lock_guard lock(mutex_);
  std::vector<Action> out;
  for (const auto& [index, action] : in_flight_) out.push_back(action);
  return out;
}

void ExecutionControl::started(const Action& action, int index) {
  std::lock_guard lock(mutex_);
  in_flight_.emplace(index, action);
}

void ExecutionControl::finished(int index) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(index);
}

ApplyReport execute_plan(const Plan& plan, const ActionRunner& run, const ProgressSink& progress, int parallelism,
                         ExecutionControl* control) {
  ApplyReport report;
  for (const auto& action : plan.actions) report.results.push_back({action, Outcome::not_started, {}, {}});

  std::atomic<bool> failed{false};
  const auto must_stop = [&] { return failed || (control && control->stop_requested()); };
  std::mutex progress_mutex;
  ProducedKeys produced;
  for (const auto& phase : by_phase(plan)) {
    if (must_stop()) break;
    parallel_for(static_cast<int>(phase.size()), parallelism, [&](int i) {
      if (must_stop()) return false;  // stop starting new work; in-flight actions finish
      ActionResult& result = report.results[phase[i]];
      if (control) control->started(result.action, phase[i]);
      try {
        produced.resolve(result.action);
        const ActionOutput output = run(result.action);
        take_created_key(result.action, output);
        result.note = output.note;
        result.outcome = Outcome::done;
      } catch (const std::exception& e) {
        result.outcome = Outcome::failed;
        result.error = e.what();
        failed = true;
      }
      if (control) control->finished(phase[i]);
      if (progress) {
        std::lock_guard lock(progress_mutex);
        progress(result);
      }
      return !must_stop();
    });
    for (int index : phase) produced.record(report.results[index].action);
  }
  return report;
}

}  // namespace keyform
