#include "apply/executor.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>

#include "util/parallel.h"

namespace keyform {

bool ApplyReport::succeeded() const { return count(Outcome::done) == static_cast<int>(results.size()); }

int ApplyReport::count(Outcome outcome) const {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [&](const ActionResult& r) { return r.outcome == outcome; }));
}

namespace {

// Indices of the plan's actions, one list per phase, in plan order.
std::vector<std::vector<int>> by_phase(const Plan& plan) {
  std::vector<std::vector<int>> phases(phase_count);
  for (int i = 0; i < static_cast<int>(plan.actions.size()); ++i) phases[phase_of(plan.actions[i].kind)].push_back(i);
  return phases;
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
  for (const auto& phase : by_phase(plan)) {
    if (must_stop()) break;
    parallel_for(static_cast<int>(phase.size()), parallelism, [&](int i) {
      if (must_stop()) return false;  // stop starting new work; in-flight actions finish
      ActionResult& result = report.results[phase[i]];
      if (control) control->started(result.action, phase[i]);
      try {
        result.note = run(result.action);
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
  }
  return report;
}

}  // namespace keyform
