#include <iostream>

#include "apply/executor.h"
#include "cli/commands.h"
#include "cli/session.h"
#include "cli/terminal.h"
#include "core/planner.h"
#include "render/render.h"

namespace keyform {

int run_apply(const CommonOptions& common, const ApplyOptions& options) {
  return run_guarded([&] {
    const Session s = open_session(common);
    if (!options.auto_approve && !stdin_is_terminal()) {
      throw CommandError("apply: no terminal to confirm on: review the plan and pass --auto-approve");
    }
    const bool color = use_color(common.no_color);
    ApiConnection api = connect(s);
    const Plan plan = compute_plan(s, *api.admin, "apply");
    std::cout << render_plan_text(plan, color) << std::flush;
    if (auto refusal = check_max_destroy(plan, s.config.policy)) throw CommandError("apply: " + *refusal);
    if (!plan.has_changes()) return 0;
    if (!options.auto_approve && !confirm_apply()) throw CommandError("apply cancelled: nothing was changed");

    std::cout << "\nApplying...\n";
    const ApplyReport report = execute_plan(
        plan, [&](const Action& action) { return api.admin->execute(action); },
        [&](const ActionResult& r) { std::cout << render_result_line(r, color) << std::flush; });
    std::cout << render_apply_summary(report, color) << std::flush;
    if (report.succeeded()) return 0;
    for (const auto& r : report.results) {
      if (r.outcome == Outcome::failed) std::cerr << "Error: apply: " << describe(r.action) << ": " << r.error << "\n";
    }
    return 1;
  });
}

}  // namespace keyform
