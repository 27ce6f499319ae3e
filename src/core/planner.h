// Diffs the desired state (Config) against the live org (LiveState) and produces a Plan.
// Pure: the same inputs always give the same plan, in the same order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

// A problem found only against live data (an unknown key or project, an ambiguous name).
struct PlanError {
  SourcePos pos;  // where the config names the culprit
  std::string message;
};

struct PlanResult {
  std::optional<Plan> plan;  // set only when errors is empty
  std::vector<PlanError> errors;
};

// self_public_key: the API key keyform authenticates with (empty for a service account);
// it is never unassigned, updated or deleted.
PlanResult make_plan(const Config& config, const LiveState& live, std::string_view self_public_key);

// Whether the config entry names this live key (by id, by public key, or by description).
bool declares(const DeclaredKey& declared, const LiveKey& key);

// The keys whose IP access lists the plan needs (those whose entry declares access_list), as ids
// of `live` keys, sorted: the key listing does not carry access lists, so they are read apart.
std::vector<std::string> access_lists_to_read(const Config& config, const LiveState& live);

// The max_destroy rail: a message when the plan removes more access than the policy allows.
std::optional<std::string> check_max_destroy(const Plan& plan, const Policy& policy);

}  // namespace keyform
