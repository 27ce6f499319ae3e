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

// self: the principal keyform authenticates as, by the public key of its API key or the client id
// of its service account; it never loses anything.
PlanResult make_plan(const Config& config, const LiveState& live, std::string_view self);

// The keys whose IP access lists the plan needs (those whose entry declares access_list), as ids
// of `live` keys, sorted: the key listing does not carry access lists, so they are read apart.
std::vector<std::string> access_lists_to_read(const Config& config, const LiveState& live);

// Whether the plan needs the org's service accounts at all: the file declares one, or the policy
// for undeclared ones is not "ignore".
bool reads_service_accounts(const Config& config);

// Whether the config entry names this live service account (by client id, or by name).
bool declares(const DeclaredServiceAccount& declared, const LiveServiceAccount& account);

// The service accounts whose project assignments the plan needs, as client ids of `live`
// accounts, sorted: the declared present ones under policy "ignore", every one otherwise.
std::vector<std::string> service_accounts_to_read(const Config& config, const LiveState& live);

// The service accounts whose access lists the plan needs (their entry declares access_list).
std::vector<std::string> service_account_access_lists_to_read(const Config& config, const LiveState& live);

// The max_destroy rail: a message when the plan removes more access than the policy allows.
std::optional<std::string> check_max_destroy(const Plan& plan, const Policy& policy);

}  // namespace keyform
