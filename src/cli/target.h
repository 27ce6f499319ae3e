// Which org, API family and host a command talks to when it has no config of its own
// (`export`, `show`), and whether a saved plan may be applied in this environment. Pure apart
// from the environment lookup it is given; makes no request.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "api/credentials.h"
#include "api/family.h"
#include "core/config.h"
#include "core/plan.h"

namespace keyform {

struct TargetError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TargetFlags {
  std::string org;       // --org
  std::string api;       // --api
  std::string base_url;  // --base-url
};

struct ResolvedTarget {
  const ApiFamily* family = nullptr;
  std::string org_id;
  std::string base_url;  // no trailing slash
  std::string org_source;  // "--org", "MONGODB_ATLAS_ORG_ID" or the config path, for messages

  PlanTarget plan_target() const { return {std::string(family->name), org_id, base_url}; }
};

// True when flags and environment leave a field for the config file's [target] to decide.
bool target_needs_config(const TargetFlags& flags, const EnvLookup& env);

// Field by field: the flag, then MONGODB_ATLAS_ORG_ID / MONGODB_ATLAS_BASE_URL, then the config's
// [target] (when `config` is given), then the defaults (api "atlas-v2", the family's public host).
// Throws TargetError when there is no org, or a value is unusable.
ResolvedTarget resolve_target(const TargetFlags& flags, const EnvLookup& env, const Config* config);

// The base URL `plan` would use here: [target] base_url, else MONGODB_ATLAS_BASE_URL, else the
// family's public host; empty when none (Ops Manager without a host).
std::string environment_base_url(const ApiFamily& family, const EnvLookup& env, const Config* config);

// Why a saved plan made for `target` must not be applied here, or nothing: a config (when given)
// or MONGODB_ATLAS_ORG_ID naming another org or API family, or a base URL other than the one this
// environment resolves. The message names both sides.
std::optional<std::string> plan_target_conflict(const PlanTarget& target, const EnvLookup& env, const Config* config);

}  // namespace keyform
