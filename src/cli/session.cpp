#include "cli/session.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "core/planner.h"
#include "core/url.h"

namespace keyform {
namespace {

constexpr std::size_t kMaxConfigBytes = 4 * 1024 * 1024;

std::string read_config_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CommandError(path + ": cannot read the configuration file (use -c FILE to choose another)");
  std::ostringstream text;
  text << file.rdbuf();
  if (text.str().size() > kMaxConfigBytes) throw CommandError(path + ": file is larger than 4 MiB");
  return text.str();
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

std::string format_plan_errors(const Config& config, const std::vector<PlanError>& errors) {
  std::string message;
  for (const auto& e : errors) {
    message += (message.empty() ? "" : "\n") + format_error({config.path, e.pos, e.message});
  }
  return message;
}

}  // namespace

Config load_config(const std::string& path) {
  ConfigParseResult parsed = parse_config(read_config_file(path), path);
  if (parsed.errors.empty()) return std::move(*parsed.config);
  std::string message;
  for (const auto& error : parsed.errors) message += (message.empty() ? "" : "\n") + format_error(error);
  throw CommandError(message, /*positioned=*/true);
}

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

ApiConnection connect(const Session& session) {
  ApiConnection c;
  c.http = std::make_unique<HttpClient>(session.base_url, session.credentials);
  c.admin = std::make_unique<AdminClient>(*session.family, *c.http, session.config.target.org_id);
  return c;
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

int run_guarded(const std::function<int()>& body) {
  try {
    return body();
  } catch (const CommandError& e) {
    std::cerr << (e.positioned ? "" : "Error: ") << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "Error: " << e.what() << "\n";
  }
  return 1;
}

}  // namespace keyform
