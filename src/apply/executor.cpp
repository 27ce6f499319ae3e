#include "apply/executor.h"

#include <algorithm>
#include <exception>

namespace keyform {

bool ApplyReport::succeeded() const { return count(Outcome::done) == static_cast<int>(results.size()); }

int ApplyReport::count(Outcome outcome) const {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [&](const ActionResult& r) { return r.outcome == outcome; }));
}

ApplyReport execute_plan(const Plan& plan, const ActionRunner& run, const ProgressSink& progress) {
  ApplyReport report;
  for (const auto& action : plan.actions) report.results.push_back({action, Outcome::not_started, {}});

  bool failed = false;
  // Actions are already in phase order; a phase boundary matters only for concurrency, where
  // every action of a phase must finish before the next phase starts.
  for (auto& result : report.results) {
    if (failed) break;
    try {
      run(result.action);
      result.outcome = Outcome::done;
    } catch (const std::exception& e) {
      result.outcome = Outcome::failed;
      result.error = e.what();
      failed = true;
    }
    if (progress) progress(result);
  }
  return report;
}

}  // namespace keyform
