#include "cli/target.h"

#include "core/ids.h"
#include "core/url.h"

namespace keyform {
namespace {

std::string trim_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string names_of_families() {
  std::string out;
  for (auto name : family_names()) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string checked_base_url(const std::string& url, const std::string& source) {
  switch (check_base_url(url)) {
    case BaseUrlCheck::ok: return trim_slashes(url);
    case BaseUrlCheck::malformed:
      throw TargetError(source + " \"" + url + "\" is not a URL like https://host[:port]");
    case BaseUrlCheck::insecure:
      throw TargetError(source + " must use https (plain http is accepted only for loopback hosts), found \"" + url +
                        "\"");
  }
  return url;
}

}  // namespace

bool target_needs_config(const TargetFlags& flags, const EnvLookup& env) {
  const bool org = !flags.org.empty() || env("MONGODB_ATLAS_ORG_ID");
  const bool base_url = !flags.base_url.empty() || env("MONGODB_ATLAS_BASE_URL");
  return !org || flags.api.empty() || !base_url;
}

ResolvedTarget resolve_target(const TargetFlags& flags, const EnvLookup& env, const Config* config) {
  ResolvedTarget t;
  const std::string config_source = config ? config->path + " [target]" : std::string();

  std::string api = flags.api;
  std::string api_source = "--api";
  if (api.empty() && config) {
    api = config->target.api;
    api_source = config_source + " api";
  }
  if (api.empty()) api = "atlas-v2";
  t.family = find_family(api);
  if (!t.family) throw TargetError(api_source + " \"" + api + "\" is not an API family (one of: " + names_of_families() + ")");

  if (!flags.org.empty()) {
    t.org_id = flags.org;
    t.org_source = "--org";
  } else if (auto env_org = env("MONGODB_ATLAS_ORG_ID")) {
    t.org_id = *env_org;
    t.org_source = "MONGODB_ATLAS_ORG_ID";
  } else if (config) {
    t.org_id = config->target.org_id;
    t.org_source = config_source + " org_id";
  } else {
    throw TargetError("no organization: pass --org ID, set MONGODB_ATLAS_ORG_ID, or run where a keyform.toml names one "
                      "(-c FILE)");
  }
  if (!is_object_id(t.org_id)) {
    throw TargetError(t.org_source + " \"" + t.org_id + "\" is not an org id (expected 24 lowercase hex digits)");
  }

  if (!flags.base_url.empty()) {
    t.base_url = checked_base_url(flags.base_url, "--base-url");
  } else if (auto env_url = env("MONGODB_ATLAS_BASE_URL")) {
    t.base_url = checked_base_url(*env_url, "MONGODB_ATLAS_BASE_URL");
  } else if (config && !config->target.base_url.empty()) {
    t.base_url = checked_base_url(config->target.base_url, config_source + " base_url");
  } else if (!t.family->default_base_url.empty()) {
    t.base_url = std::string(t.family->default_base_url);
  } else {
    throw TargetError("api \"" + api + "\" has no default host: pass --base-url URL (or set MONGODB_ATLAS_BASE_URL)");
  }
  return t;
}

std::string environment_base_url(const ApiFamily& family, const EnvLookup& env, const Config* config) {
  if (config && !config->target.base_url.empty()) return trim_slashes(config->target.base_url);
  if (auto url = env("MONGODB_ATLAS_BASE_URL")) return trim_slashes(*url);
  return std::string(family.default_base_url);
}

std::optional<std::string> plan_target_conflict(const PlanTarget& target, const EnvLookup& env, const Config* config) {
  const std::string plan_side = "the plan is for org " + target.org_id + " (" + target.api + ")";
  if (config) {
    if (config->target.org_id != target.org_id || config->target.api != target.api) {
      return plan_side + ", but " + config->path + " targets org " + config->target.org_id + " (" +
             config->target.api + ")";
    }
  }
  if (auto env_org = env("MONGODB_ATLAS_ORG_ID"); env_org && *env_org != target.org_id) {
    return plan_side + ", but MONGODB_ATLAS_ORG_ID is " + *env_org;
  }
  const ApiFamily* family = find_family(target.api);
  if (!family) return plan_side + ", an API family this keyform does not know";
  const std::string here = environment_base_url(*family, env, config);
  if (!here.empty() && here != trim_slashes(target.base_url)) {
    const std::string source = config && !config->target.base_url.empty() ? config->path + " [target] base_url"
                               : env("MONGODB_ATLAS_BASE_URL")          ? "MONGODB_ATLAS_BASE_URL"
                                                                         : "the default host";
    return "the plan was made against " + target.base_url + ", but here the API host is " + here + " (" + source + ")";
  }
  return std::nullopt;
}

}  // namespace keyform
