#include "cli/commands.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "api/admin_client.h"
#include "api/credentials.h"
#include "api/family.h"
#include "api/http_client.h"
#include "apply/executor.h"
#include "cli/terminal.h"
#include "core/config.h"
#include "core/url.h"
#include "core/planner.h"
#include "render/render.h"

namespace keyform {
namespace {

// A failure already worded for the user. Positioned ones ("FILE:LINE:COLUMN: message") are
// printed as they are; the others get Terraform's "Error: " prefix.
struct CommandError : std::runtime_error {
  explicit CommandError(const std::string& message, bool positioned = false)
      : std::runtime_error(message), positioned(positioned) {}
  bool positioned;
};

constexpr std::size_t kMaxConfigBytes = 4 * 1024 * 1024;

std::string read_config_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CommandError(path + ": cannot read the configuration file (use -c FILE to choose another)");
  std::ostringstream text;
  text << file.rdbuf();
  if (text.str().size() > kMaxConfigBytes) throw CommandError(path + ": file is larger than 4 MiB");
  return text.str();
}

Config load_config(const std::string& path) {
  ConfigParseResult parsed = parse_config(read_config_file(path), path);
  if (parsed.errors.empty()) return std::move(*parsed.config);
  std::string message;
  for (const auto& error : parsed.errors) message += (message.empty() ? "" : "\n") + format_error(error);
  throw CommandError(message, /*positioned=*/true);
}

// Config first, then MONGODB_ATLAS_BASE_URL, then the family's public host.
std::string resolve_base_url(const Config& config, const ApiFamily& family, const EnvLookup& env) {
  std::string url = config.target.base_url;
  if (url.empty()) url = env("MONGODB_ATLAS_BASE_URL").value_or(std::string(family.default_base_url));
  if (url.empty()) {
    throw CommandError(config.path + ": [target] api = \"" + std::string(family.name) +
                       "\" has no default host: set base_url in [target] (or MONGODB_ATLAS_BASE_URL)");
  }
  switch (check_base_url(url)) {
    case BaseUrlCheck::ok: break;
    case BaseUrlCheck::malformed: throw CommandError("MONGODB_ATLAS_BASE_URL is not a URL like https://host[:port]");
    case BaseUrlCheck::insecure:
      throw CommandError("MONGODB_ATLAS_BASE_URL must use https (plain http is accepted only for loopback hosts)");
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Everything a command needs before it talks to the API, all checked offline.
struct Session {
  Config config;
  const ApiFamily* family = nullptr;
  std::string base_url;
  DigestCredentials credentials;
};

Session open_session(const CommonOptions& common) {
  Session s;
  s.config = load_config(common.config_path);
  s.family = find_family(s.config.target.api);
  if (!s.family) throw CommandError("unsupported api \"" + s.config.target.api + "\"");
  const EnvLookup env = process_env();
  s.base_url = resolve_base_url(s.config, *s.family, env);
  try {
    s.credentials = digest_credentials_from_env(env);
  } catch (const CredentialsError& e) {
    throw CommandError(e.what());
  }
  return s;
}

std::string format_plan_errors(const Config& config, const std::vector<PlanError>& errors) {
  std::string message;
  for (const auto& e : errors) {
    message += (message.empty() ? "" : "\n") + format_error({config.path, e.pos, e.message});
  }
  return message;
}

Plan compute_plan(const Session& s, AdminClient& api, const std::string& verb) {
  LiveState live;
  try {
    live = api.read_org();
  } catch (const ApiError& e) {
    throw CommandError(verb + ": reading org " + s.config.target.org_id + ": " + e.what());
  }
  PlanResult result = make_plan(s.config, live, s.credentials.public_key);
  if (!result.errors.empty()) throw CommandError(format_plan_errors(s.config, result.errors), true);
  result.plan->target.base_url = s.base_url;
  return std::move(*result.plan);
}

std::string render(const Plan& plan, const std::string& format, bool color) {
  if (format == "json") return render_plan_json(plan);
  if (format == "markdown") return render_plan_markdown(plan);
  return render_plan_text(plan, color);
}

int report_error(const std::exception& e) {
  std::cerr << "Error: " << e.what() << "\n";
  return 1;
}

int report_command_error(const CommandError& e) {
  std::cerr << (e.positioned ? "" : "Error: ") << e.what() << "\n";
  return 1;
}

void print_apply_header() { std::cout << "\nApplying...\n"; }

}  // namespace

int run_plan(const CommonOptions& common, const PlanOptions& options) {
  try {
    Session s = open_session(common);
    HttpClient http(s.base_url, s.credentials);
    AdminClient api(*s.family, http, s.config.target.org_id);
    const Plan plan = compute_plan(s, api, "plan");
    std::cout << render(plan, options.format, use_color(common.no_color)) << std::flush;
    if (auto refusal = check_max_destroy(plan, s.config.policy)) throw CommandError("plan: " + *refusal);
    return options.detailed_exitcode && plan.has_changes() ? 2 : 0;
  } catch (const CommandError& e) {
    return report_command_error(e);
  } catch (const std::exception& e) {
    return report_error(e);
  }
}

int run_apply(const CommonOptions& common, const ApplyOptions& options) {
  try {
    Session s = open_session(common);
    if (!options.auto_approve && !stdin_is_terminal()) {
      throw CommandError("apply: no terminal to confirm on: review the plan and pass --auto-approve");
    }
    const bool color = use_color(common.no_color);
    HttpClient http(s.base_url, s.credentials);
    AdminClient api(*s.family, http, s.config.target.org_id);
    const Plan plan = compute_plan(s, api, "apply");
    std::cout << render_plan_text(plan, color) << std::flush;
    if (auto refusal = check_max_destroy(plan, s.config.policy)) throw CommandError("apply: " + *refusal);
    if (!plan.has_changes()) return 0;
    if (!options.auto_approve && !confirm_apply()) throw CommandError("apply cancelled: nothing was changed");

    print_apply_header();
    const ApplyReport report = execute_plan(
        plan, [&](const Action& action) { api.execute(action); },
        [&](const ActionResult& r) { std::cout << render_result_line(r, color) << std::flush; });
    std::cout << render_apply_summary(report, color) << std::flush;
    if (report.succeeded()) return 0;
    std::cerr << "Error: apply: " << report.count(Outcome::failed) << " action(s) failed, "
              << report.count(Outcome::not_started) << " not started\n";
    return 1;
  } catch (const CommandError& e) {
    return report_command_error(e);
  } catch (const std::exception& e) {
    return report_error(e);
  }
}

}  // namespace keyform
