#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/file_guard.h"
#include "cli/gitops.h"
#include "cli/session.h"
#include "cli/target.h"
#include "core/escape.h"
#include "core/export.h"
#include "core/service_account_config.h"
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

std::string service_account_count(const LiveState& live) {
  return live.service_accounts_read ? ", " + std::to_string(live.service_accounts.size()) + " service accounts" : "";
}

// Service accounts exist on these families only (atlas-v1 and ops-manager have no such API).
bool has_service_accounts(const ApiFamily& family) { return family.manages_service_accounts(); }

// Checked before any request: a name the API (and so the file) would refuse.
void check_mirror_name(const std::string& name) {
  if (auto problem = service_account_text_problem("name", name, kMaxServiceAccountNameChars)) {
    throw CommandError("export: --as-service-account \"" + escape_text(name) + "\": " + *problem +
                       "; nothing was read");
  }
}

// The printed entry must be one the file accepts: checked below a [target] like the export's.
void check_mirror_parses(const std::string& entry, const ExportOptions& style, const std::string& org_id) {
  const std::string text = "[target]\napi = " + toml_string(style.api) + "\norg_id = " + toml_string(org_id) + "\n\n" + entry;
  ConfigParseResult parsed = parse_config(text, "<mirrored>");
  if (!parsed.errors.empty()) {
    throw CommandError("export: the entry does not parse: " + format_error(parsed.errors.front()) +
                       " (please report this as a keyform bug)");
  }
}

// A live account with the name would be what the entry names: a plan would change its access
// instead of creating one. Worth saying, not refusing (it may be the account meant).
void warn_if_name_taken(AdminClient& api, LiveState& live, const std::string& name) {
  try {
    api.read_service_accounts(live);
  } catch (const ApiError& e) {
    throw CommandError("export: reading org " + live.org_id + ": " + e.what());
  }
  for (const auto& account : live.service_accounts) {
    if (account.name != name) continue;
    std::cerr << "Warning: the org already has a service account named \"" << escape_text(name) << "\" ("
              << escape_text(account.client_id) << "): the entry names it, so a plan would change its access "
              << "instead of creating one.\n";
  }
}

std::string mirror(AdminClient& api, LiveState& live, const ExportCommandOptions& options, const ExportOptions& style) {
  const KeyLookup found = find_key_to_mirror(live, options.mirror_key);
  if (!found.key) throw CommandError("export: --mirror-key: " + found.problem);
  read_access_lists(api, live, {found.key->id}, "export");
  warn_if_name_taken(api, live, options.as_service_account);
  const std::string entry = mirror_key_entry(live, *found.key, options.as_service_account, style);
  check_mirror_parses(entry, style, live.org_id);
  return entry;
}

ExportOptions export_style(const ResolvedTarget& target, const ExportCommandOptions& options) {
  ExportOptions style;
  style.api = std::string(target.family->name);
  // The public host is the default: only another host is written into the file.
  if (target.base_url != target.family->default_base_url) style.base_url = target.base_url;
  style.by_name = options.by_name;
  style.generator = std::string("keyform ") + KEYFORM_VERSION;
  return style;
}

// The whole org as a config, checked to plan no change against the listing it came from.
std::string export_org(AdminClient& api, LiveState& live, const ApiFamily& family, const ExportOptions& style,
                       const Credentials& credentials) {
  // The key listing does not carry access lists: one paged GET per key, concurrently.
  std::vector<std::string> ids;
  for (const auto& key : live.keys) ids.push_back(key.id);
  read_access_lists(api, live, ids, "export");
  if (has_service_accounts(family)) read_every_service_account(api, live, /*access_lists=*/true, "export");
  const std::string text = export_config(live, style);
  if (auto problem = round_trip_problem(text, live, self_principal(credentials))) {
    throw CommandError("export: " + *problem);
  }
  return text;
}

}  // namespace

int run_export(const CommonOptions& common, const ExportCommandOptions& options) {
  return run_guarded([&] {
    const bool mirroring = !options.mirror_key.empty();
    if (mirroring) check_mirror_name(options.as_service_account);
    const EnvLookup env = process_env();
    const bool wanted = target_needs_config(options.target);
    if (options.out.empty()) refuse_stdout_as_config(common, wanted);
    const std::optional<Config> config = config_for_target(common, wanted);
    const ResolvedTarget target = resolve_target({options.target, config ? &*config : nullptr, env});
    if (mirroring && !has_service_accounts(*target.family)) {
      throw CommandError("export: --mirror-key: the " + std::string(target.family->name) +
                         " API has no service accounts (atlas-v2 and cloud-manager have); nothing was read");
    }
    const Credentials credentials = credentials_for(*target.family, common);
    ApiConnection api = connect(*target.family, target.base_url, credentials, target.org_id, common);
    LiveState live = read_live_org(*api.admin, target.org_id, "export");
    const ExportOptions style = export_style(target, options);
    const std::string text = mirroring ? mirror(*api.admin, live, options, style)
                                       : export_org(*api.admin, live, *target.family, style, credentials);
    if (options.out.empty()) {
      std::cout << text << std::flush;
    } else {
      write_file_atomically(options.out, text);
    }
    if (mirroring) {
      std::cerr << "Mirrored key " << escape_text(options.mirror_key) << " as service account \""
                << escape_text(options.as_service_account) << "\" of org " << target.org_id << ".\n";
    } else {
      std::cerr << "Exported org " << target.org_id << ": " << live.keys.size() << " keys, " << live.projects.size()
                << " projects" << service_account_count(live) << ".\n";
    }
    return 0;
  });
}

}  // namespace keyform
