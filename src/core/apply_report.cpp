#include "core/apply_report.h"

#include <algorithm>

namespace keyform {

bool ApplyReport::succeeded() const { return count(Outcome::done) == static_cast<int>(results.size()); }

int ApplyReport::count(Outcome outcome) const {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [&](const ActionResult& r) { return r.outcome == outcome; }));
}

PlanSummary ApplyReport::done_summary() const {
  std::vector<Action> done;
  for (const auto& r : results) {
    if (r.outcome == Outcome::done) done.push_back(r.action);
  }
  return summarise(done);
}

int ApplyReport::noted() const {
  return static_cast<int>(std::count_if(results.begin(), results.end(), [](const ActionResult& r) {
    return r.outcome == Outcome::done && !r.note.empty();
  }));
}

}  // namespace keyform
