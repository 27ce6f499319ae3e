// Permission preflight: the listings show the roles of the key or service account keyform runs
// as, so a plan can say before any write which actions the service will refuse with 403, instead
// of failing halfway through an apply. The rules are the service's (x-rolesRequirements):
// creating, changing or deleting a key or a service account, its secrets or its access list, and
// inviting a service account to a project need ORG_OWNER; assigning a key, or changing or removing
// anyone's roles in a project, needs ORG_OWNER or GROUP_OWNER in that project.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/live_state.h"
#include "core/plan.h"

namespace keyform {

// One warning per missing permission, naming the actions it blocks. `self` is the public key or
// client id keyform signs in with. Empty when it may do everything, or when its roles are unknown
// (a key outside the listing, such as an Ops Manager global key, or a service account when the
// plan read no service account): then the service has the last word. A service account whose
// projects were not read gets the org-level warnings only.
std::vector<PlanWarning> permission_warnings(const Plan& plan, const LiveState& live, std::string_view self);

}  // namespace keyform
