#include <iostream>

#include "cli/commands.h"
#include "cli/session.h"
#include "cli/terminal.h"
#include "core/planner.h"
#include "render/render.h"

namespace keyform {
namespace {
std::string render(const Plan& plan, const std::string& format, bool color) {
  if (format == "json") return render_plan_json(plan);
  if (format == "markdown") return render_plan_markdown(plan);
  return render_plan_text(plan, color);
}
}  // namespace

int run_plan(const CommonOptions& common, const PlanOptions& options) {
  return run_guarded([&] {
    const Session s = open_session(common);
    ApiConnection api = connect(s);
    const Plan plan = compute_plan(s, *api.admin, "plan");
    std::cout << render(plan, options.format, use_color(common.no_color)) << std::flush;
    // The plan is shown first so the pull request shows what tripped the rail.
    if (auto refusal = check_max_destroy(plan, s.config.policy)) throw CommandError("plan: " + *refusal);
    return options.detailed_exitcode && plan.has_changes() ? 2 : 0;
  });
}

}  // namespace keyform
