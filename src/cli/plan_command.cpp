#include <iostream>

#include "cli/commands.h"
#include "cli/file_guard.h"
#include "cli/file_reader.h"
#include "cli/gitops.h"
#include "cli/session.h"
#include "cli/terminal.h"
#include "core/fingerprint.h"
#include "core/planner.h"
#include "core/plan_file.h"
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
    if (!options.out.empty()) {
      if (auto problem = plan_out_problem(options.out, common.config_path)) throw CommandError(*problem);
    }
    // The bytes the recorded config hash is of; read again after planning to be sure the file
    // did not change underneath (the plan must be of exactly the file it names).
    std::string config_bytes;
    if (!options.out.empty()) config_bytes = read_input_file(common.config_path, "config");
    ApiConnection api = connect(s, common);
    const LivePlan result = compute_plan(s, *api.admin, "plan");
    const Plan& plan = result.plan;
    std::cout << render(plan, options.format, use_color(common.no_color)) << std::flush;
    // The plan is shown first so the pull request shows what tripped the rail.
    if (auto refusal = check_max_destroy(plan, s.config.policy)) {
      throw CommandError("plan: " + *refusal + (options.out.empty() ? "" : "; no plan file was written"));
    }
    if (!options.out.empty()) {
      if (read_input_file(common.config_path, "config") != config_bytes) {
        throw CommandError("plan: " + common.config_path + " changed while planning; no plan file was written");
      }
      write_file_atomically(options.out,
                            write_plan_file({plan, live_fingerprint(result.live), sha256_hex(config_bytes), result.access_lists_read,
                                             result.service_account_reads}));
      // Text output is for people, who want the next step; json and markdown stay one document.
      std::ostream& note = options.format == "text" ? std::cout : std::cerr;
      note << "\nSaved the plan to: " << options.out << "\nTo apply exactly these actions, run: keyform apply "
           << options.out << "\n"
           << std::flush;
    }
    return options.detailed_exitcode && plan.has_changes() ? 2 : 0;
  });
}

}  // namespace keyform
