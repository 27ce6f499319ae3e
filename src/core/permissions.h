// Permission preflight: the key listing shows the roles of the key keyform runs as, so a plan can
// say before any write which actions the service will refuse with 403, instead of failing halfway
// through an apply. The rule is the service's: deleting a key needs ORG_OWNER; assigning, updating
// or unassigning in a project needs ORG_OWNER or GROUP_OWNER in that project.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

// One warning per missing permission, naming the actions it blocks. Empty when the key may do
// everything, or when its roles are unknown (a service account, or a key that is not in the
// listing, such as an Ops Manager global key): then the service has the last word.
std::vector<PlanWarning> permission_warnings(const Plan& plan, const LiveState& live, std::string_view self_public_key);

}  // namespace keyform
