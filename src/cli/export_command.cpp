#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/file_guard.h"
#include "cli/gitops.h"
#include "cli/session.h"
#include "cli/target.h"
#include "core/export.h"
#include "core/planner.h"

namespace keyform {
namespace {

// The promise of export is that `plan` on its output reports no changes; check it here, offline,
// against the very listing the file was written from, before anyone commits it.
std::optional<std::string> round_trip_problem(const std::string& text, const LiveState& live, const std::string& self) {
  const std::string bug = " (please report this as a keyform bug)";
  ConfigParseResult parsed = parse_config(text, "<exported>");
  if (!parsed.errors.empty()) return "the exported file does not parse: " + format_error(parsed.errors.front()) + bug;
  PlanResult planned = make_plan(*parsed.config, live, self);
  // An assignment to a project missing from the project listing cannot be declared.
  if (!planned.errors.empty()) return "the org cannot be described by a config: " + planned.errors.front().message;
  if (planned.plan->has_changes() || !planned.plan->skipped.empty()) {
    return "planning the exported file would change the org: " +
           describe(planned.plan->has_changes() ? planned.plan->actions.front() : planned.plan->skipped.front().action) +
           bug;
  }
  return std::nullopt;
}

// `keyform export >> keyform.toml` (or `-c keyform.toml > keyform.toml`) would read the config
// that stdout is writing over. The documented `keyform export > keyform.toml` is fine: the shell
// leaves the default file empty, and an empty default file is not read (config_for_target).
void refuse_stdout_as_config(const CommonOptions& common, bool wanted) {
  std::error_code error;
  const auto size = std::filesystem::file_size(common.config_path, error);
  const bool read = common.config_given || (wanted && !error && size > 0);
  if (read && fd_is_file(STDOUT_FILENO, common.config_path)) {
    throw CommandError("export: stdout is the configuration file " + common.config_path +
                       " that export reads; nothing was written and no request made. To replace it, use: keyform "
                       "export --out " + common.config_path);
  }
}

}  // namespace

int run_export(const CommonOptions& common, const ExportCommandOptions& options) {
  return run_guarded([&] {
    const EnvLookup env = process_env();
    const bool wanted = target_needs_config(options.target);
    if (options.out.empty()) refuse_stdout_as_config(common, wanted);
    const std::optional<Config> config = config_for_target(common, wanted);
    const ResolvedTarget target = resolve_target({options.target, config ? &*config : nullptr, env});
    const Credentials credentials = credentials_for(*target.family, common);
    ApiConnection api = connect(*target.family, target.base_url, credentials, target.org_id, common);
    LiveState live = read_live_org(*api.admin, target.org_id, "export");
    // The key listing does not carry access lists: one paged GET per key, concurrently.
    std::vector<std::string> ids;
    for (const auto& key : live.keys) ids.push_back(key.id);
    read_access_lists(*api.admin, live, ids, "export");

    ExportOptions style;
    style.api = std::string(target.family->name);
    // The public host is the default: only another host is written into the file.
    if (target.base_url != target.family->default_base_url) style.base_url = target.base_url;
    style.by_name = options.by_name;
    style.generator = std::string("keyform ") + KEYFORM_VERSION;
    const std::string text = export_config(live, style);
    if (auto problem = round_trip_problem(text, live, credentials.self_public_key())) {
      throw CommandError("export: " + *problem);
    }
    if (options.out.empty()) {
      std::cout << text << std::flush;
    } else {
      write_file_atomically(options.out, text);
    }
    std::cerr << "Exported org " << target.org_id << ": " << live.keys.size() << " keys, " << live.projects.size()
              << " projects.\n";
    return 0;
  });
}

}  // namespace keyform
