#include "cli/target.h"

#include <initializer_list>

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

// The candidates of one field in precedence order; an empty value is "not set there".
Sourced first_set(std::initializer_list<Sourced> candidates) {
  for (const Sourced& candidate : candidates) {
    if (candidate.set() && !candidate.value.empty()) return candidate;
  }
  return {};
}

Sourced from_flag(const TargetSources& s, std::string TargetFlags::*field, const char* name) {
  if (!s.flags) return {};
  return {(*s.flags).*field, name, Origin::flag};
}

Sourced from_config(const TargetSources& s, std::string Target::*field, const char* name) {
  if (!s.config) return {};
  return {s.config->target.*field, s.config->path + " [target] " + name, Origin::config};
}

Sourced from_env(const TargetSources& s, const char* name) {
  const std::optional<std::string> value = s.env ? s.env(name) : std::nullopt;
  if (!value) return {};
  return {*value, name, Origin::environment};
}

std::string checked_base_url(const Sourced& url) {
  switch (check_base_url(url.value)) {
    case BaseUrlCheck::ok: return trim_slashes(url.value);
    case BaseUrlCheck::malformed:
      throw TargetError(url.source + " \"" + url.value + "\" is not a URL like https://host[:port]");
    case BaseUrlCheck::insecure:
      throw TargetError(url.source + " must use https (plain http is accepted only for loopback hosts), found \"" +
                        url.value + "\"");
  }
  return url.value;
}

// What this command could set instead, in precedence order: "pass --org ID, set …, or …".
std::string ways(const std::string& flag, const std::string& config, const std::string& env) {
  std::string out;
  for (const std::string* way : {&flag, &config}) {
    if (!way->empty()) out += *way + ", ";
  }
  return out + (out.empty() ? "" : "or ") + env;
}

std::string no_org(const TargetSources& s) {
  return "no organization: " + ways(s.flags ? "pass --org ID" : "",
                                    s.config ? "set org_id in " + s.config->path + " [target]"
                                             : "run where a keyform.toml names one (-c FILE)",
                                    "set MONGODB_ATLAS_ORG_ID");
}

std::string no_host(const TargetSources& s, const Sourced& api) {
  return "api \"" + api.value + "\" (" + api.source + ") has no default host: " +
         ways(s.flags ? "pass --base-url URL" : "",
              s.config ? "set base_url in " + s.config->path + " [target]" : "", "set MONGODB_ATLAS_BASE_URL");
}

}  // namespace

TargetChoice choose_target(const TargetSources& s) {
  TargetChoice c;
  c.org = first_set({from_flag(s, &TargetFlags::org, "--org"), from_config(s, &Target::org_id, "org_id"),
                     from_env(s, "MONGODB_ATLAS_ORG_ID")});
  c.api = first_set({from_flag(s, &TargetFlags::api, "--api"), from_config(s, &Target::api, "api")});
  c.base_url = first_set({from_flag(s, &TargetFlags::base_url, "--base-url"),
                          from_config(s, &Target::base_url, "base_url"), from_env(s, "MONGODB_ATLAS_BASE_URL")});
  return c;
}

ResolvedTarget resolve_target(const TargetSources& s) {
  TargetChoice c = choose_target(s);
  if (!c.api.set()) c.api = {"atlas-v2", "the default", Origin::fallback};
  ResolvedTarget t;
  t.family = find_family(c.api.value);
  if (!t.family) {
    throw TargetError(c.api.source + " \"" + c.api.value + "\" is not an API family (one of: " + names_of_families() +
                      ")");
  }
  t.api_source = c.api.source;

  if (!c.org.set()) throw TargetError(no_org(s));
  if (!is_object_id(c.org.value)) {
    throw TargetError(c.org.source + " \"" + c.org.value + "\" is not an org id (expected 24 lowercase hex digits)");
  }
  t.org_id = c.org.value;
  t.org_source = c.org.source;

  if (!c.base_url.set()) {
    if (t.family->default_base_url.empty()) throw TargetError(no_host(s, c.api));
    c.base_url = {std::string(t.family->default_base_url), "the default", Origin::fallback};
  }
  t.base_url = checked_base_url(c.base_url);
  t.base_url_source = c.base_url.source;
  return t;
}

bool target_needs_config(const TargetFlags& flags) {
  return flags.org.empty() || flags.api.empty() || flags.base_url.empty();
}

std::optional<std::string> plan_target_conflict(const PlanTarget& target, const TargetSources& here) {
  const TargetChoice c = choose_target(here);
  const std::string plan_side = "the plan is for org " + target.org_id + " (" + target.api + ")";
  const bool org_differs = c.org.set() && c.org.value != target.org_id;
  const bool api_differs = c.api.set() && c.api.value != target.api;
  if ((org_differs && c.org.origin == Origin::config) || (api_differs && c.api.origin == Origin::config)) {
    return plan_side + ", but " + here.config->path + " targets org " + here.config->target.org_id + " (" +
           here.config->target.api + ")";
  }
  if (org_differs) return plan_side + ", but " + c.org.source + " is " + c.org.value;
  if (api_differs) return plan_side + ", but " + c.api.source + " is " + c.api.value;

  const ApiFamily* family = find_family(target.api);
  if (!family) return plan_side + ", an API family this keyform does not know";
  const std::string here_url = c.base_url.set() ? trim_slashes(c.base_url.value) : std::string(family->default_base_url);
  if (!here_url.empty() && here_url != trim_slashes(target.base_url)) {
    const std::string source = c.base_url.set() ? c.base_url.source : "the default host";
    return "the plan was made against " + target.base_url + ", but here the API host is " + here_url + " (" + source +
           ")";
  }
  return std::nullopt;
}

}  // namespace keyform
