#include <iostream>

#include "apply/executor.h"
#include "cli/commands.h"
#include "cli/gitops.h"
#include "cli/session.h"
#include "cli/target.h"
#include "cli/terminal.h"
#include "core/fingerprint.h"
#include "core/planner.h"
#include "render/plan_file.h"
#include "render/render.h"

namespace keyform {
namespace {

constexpr std::size_t kMaxPlanFileBytes = 64 * 1024 * 1024;

// Human output goes to stdout, unless stdout carries the JSON result: then to stderr.
std::ostream& human_stream(const ApplyOptions& options) { return options.format == "json" ? std::cerr : std::cout; }

// The same executor, progress lines and report for a fresh plan and a saved one.
int execute(const Plan& plan, AdminClient& admin, const ApplyOptions& options, bool color) {
  std::ostream& out = human_stream(options);
  out << "\nApplying...\n";
  const ApplyReport report = execute_plan(
      plan, [&](const Action& action) { return admin.execute(action); },
      [&](const ActionResult& r) { out << render_result_line(r, color) << std::flush; }, options.parallelism);
  out << render_apply_summary(report, color) << std::flush;
  if (options.format == "json") std::cout << render_apply_json(plan, report) << std::flush;
  if (report.succeeded()) return 0;
  for (const auto& r : report.results) {
    if (r.outcome == Outcome::failed) std::cerr << "Error: apply: " << describe(r.action) << ": " << r.error << "\n";
  }
  return 1;
}

std::string short_hash(const std::string& hash) { return hash.substr(0, 12); }

// Everything offline first (the file, its checksum and structure, the target, the credentials,
// the key keyform runs as), then the two listings, then the fingerprint, then the saved actions.
int apply_saved_plan(const CommonOptions& common, const ApplyOptions& options) {
  const std::string& path = options.plan_file;
  const std::string text = read_whole_file(path, kMaxPlanFileBytes, "apply: plan file");
  PlanFileResult parsed = read_plan_file(text);
  if (parsed.problem == PlanFileProblem::unsupported_version) {
    throw CommandError("apply: plan file " + path + " cannot be applied by this keyform: " + parsed.detail +
                       ". Re-run keyform plan --out " + path + " with this keyform.");
  }
  if (parsed.problem != PlanFileProblem::none) {
    throw CommandError("apply: plan file " + path + " has been modified or is corrupt: " + parsed.detail +
                       ". Nothing was changed; re-run keyform plan --out " + path + " and review it.");
  }
  const SavedPlan& saved = *parsed.saved;
  const Plan& plan = saved.plan;
  const ApiFamily* family = find_family(plan.target.api);
  if (!family) {
    throw CommandError("apply: plan file " + path + " has been modified or is corrupt: target.api \"" +
                       plan.target.api + "\" is not an API family. Nothing was changed.");
  }

  const EnvLookup env = process_env();
  const std::optional<Config> config = optional_config(common, /*wanted=*/true);
  std::ostream& out = human_stream(options);
  if (auto conflict = plan_target_conflict(plan.target, env, config ? &*config : nullptr)) {
    throw CommandError("apply: refusing plan file " + path + ": " + *conflict + ". Nothing was changed.");
  }
  if (!options.auto_approve && !stdin_is_terminal()) {
    throw CommandError("apply: no terminal to confirm on: review the plan and pass --auto-approve");
  }
  const Credentials credentials = credentials_for(*family, common);
  if (auto refusal = check_self_key(plan, credentials.self_public_key())) {
    throw CommandError("apply: refusing plan file " + path + ": " + *refusal + ". Nothing was changed.");
  }

  ApiConnection api =
      connect(*family, plan.target.base_url, credentials, plan.target.org_id, common, options.parallelism);
  const LiveState live = read_live_org(*api.admin, plan.target.org_id, "apply");
  const std::string now = live_fingerprint(live);
  if (now != saved.fingerprint) {
    std::string message = "apply: plan file " + path + " is stale: the org changed since this plan was made: re-run plan";
    const auto details = stale_details(plan, live, 6);
    for (std::size_t i = 0; i < details.size() && i < 5; ++i) message += "\n  " + details[i];
    if (details.size() > 5) message += "\n  …";
    message += "\n(fingerprint " + short_hash(saved.fingerprint) + "… when planned, " + short_hash(now) +
               "… now). Nothing was changed.";
    throw CommandError(message);
  }

  const bool color = use_color(common.no_color);
  out << "Saved plan " << path << ": org " << plan.target.org_id << " (" << plan.target.api << ") at "
            << plan.target.base_url << ", unchanged since the plan was made (fingerprint "
            << short_hash(saved.fingerprint) << "…).\n"
            << "Made from a config with sha256 " << saved.config_sha256;
  if (config) {
    const std::string here = sha256_hex(read_whole_file(config->path, 4 * 1024 * 1024, "config"));
    out << (here == saved.config_sha256 ? " (the same as " + config->path + " here)"
                                              : " (" + config->path + " here differs: sha256 " + here + ")");
  }
  out << ".\n\n" << render_plan_text(plan, color) << std::flush;
  if (!options.auto_approve && plan.has_changes() && !confirm_apply()) {
    throw CommandError("apply cancelled: nothing was changed");
  }
  return execute(plan, *api.admin, options, color);
}

}  // namespace

int run_apply(const CommonOptions& common, const ApplyOptions& options) {
  return run_guarded([&] {
    if (!options.plan_file.empty()) return apply_saved_plan(common, options);
    const Session s = open_session(common);
    if (!options.auto_approve && !stdin_is_terminal()) {
      throw CommandError("apply: no terminal to confirm on: review the plan and pass --auto-approve");
    }
    const bool color = use_color(common.no_color);
    ApiConnection api = connect(s, common, options.parallelism);
    const Plan plan = compute_plan(s, *api.admin, "apply").plan;
    human_stream(options) << render_plan_text(plan, color) << std::flush;
    if (auto refusal = check_max_destroy(plan, s.config.policy)) throw CommandError("apply: " + *refusal);
    if (!options.auto_approve && plan.has_changes() && !confirm_apply()) {
      throw CommandError("apply cancelled: nothing was changed");
    }
    return execute(plan, *api.admin, options, color);
  });
}

}  // namespace keyform
