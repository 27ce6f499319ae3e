// Which org, API family and host a command talks to, and whether a saved plan may be applied
// here. One order for every command and every field, like the Terraform provider's block before
// its environment variables:
//   1. the flag (--org, --api, --base-url), where the command has them (export, show);
//   2. the config file's [target] (org_id, api, base_url), where the command reads one;
//   3. the environment: MONGODB_ATLAS_ORG_ID, MONGODB_ATLAS_BASE_URL (no variable names a family);
//   4. the defaults: api "atlas-v2", the family's public host; there is no default org.
// Pure apart from the environment lookup it is given; makes no request.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "api/credentials.h"
#include "api/family.h"
#include "cli/commands.h"
#include "core/config.h"
#include "core/plan.h"

namespace keyform {

struct TargetError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What one command may take its target from.
struct TargetSources {
  std::optional<TargetFlags> flags;  // nothing: the command has no target flags (plan, apply, validate)
  const Config* config = nullptr;    // nothing: the command read no config
  EnvLookup env;
};

enum class Origin { none, flag, config, environment, fallback };

// One field's value and where it came from; `source` names it for messages: "--org",
// "keyform.toml [target] org_id", "MONGODB_ATLAS_ORG_ID" or "the default".
struct Sourced {
  std::string value;
  std::string source;
  Origin origin = Origin::none;
  bool set() const { return origin != Origin::none; }
};

// The first source that sets each field; no defaults, no checks.
struct TargetChoice {
  Sourced org;
  Sourced api;
  Sourced base_url;
};
TargetChoice choose_target(const TargetSources& sources);

struct ResolvedTarget {
  const ApiFamily* family = nullptr;
  std::string org_id;
  std::string base_url;  // no trailing slash
  std::string org_source;
  std::string api_source;
  std::string base_url_source;

  PlanTarget plan_target() const { return {std::string(family->name), org_id, base_url}; }
};

// choose_target, then the defaults, then every value checked. Throws TargetError naming the
// source of a bad value, or what the command could set when there is no org or no host.
ResolvedTarget resolve_target(const TargetSources& sources);

// True when a flag is missing, so the config's [target] may decide a field.
bool target_needs_config(const TargetFlags& flags);

// Why a saved plan made for `target` must not be applied here, or nothing: this environment
// (resolved as above) names another org or API family, or another host than the plan's (the
// family's public host when nothing here names one). The message names both sides and the source.
std::optional<std::string> plan_target_conflict(const PlanTarget& target, const TargetSources& here);

}  // namespace keyform
