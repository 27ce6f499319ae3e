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

ApplyReport execute_plan(const Plan& plan, const ActionRunner& run, const ProgressSink& progress, int parallelism) {
  ApplyReport report;
  for (const auto& action : plan.actions) report.results.push_back({action, Outcome::not_started, {}, {}});

  std::atomic<bool> failed{false};
  std::mutex progress_mutex;
  for (const auto& phase : by_phase(plan)) {
    if (failed) break;
    parallel_for(static_cast<int>(phase.size()), parallelism, [&](int i) {
      if (failed) return false;  // stop starting new work; in-flight actions finish
      ActionResult& result = report.results[phase[i]];
      try {
        result.note = run(result.action);
        result.outcome = Outcome::done;
      } catch (const std::exception& e) {
        result.outcome = Outcome::failed;
        result.error = e.what();
        failed = true;
      }
      if (progress) {
        std::lock_guard lock(progress_mutex);
        progress(result);
      }
      return !failed;
    });
  }
  return report;
}

}  // namespace keyform
