// Role enforcement, as the Admin API does it for the calls keyform makes: creating, deleting or
// updating (PATCH) a key and adding or removing access-list entries need Organization Owner;
// assigning, updating or unassigning a key in a project needs Organization Owner or Project Owner
// of that project; reading a key's access list needs a role in the org (Organization Member).
// Other reads need no role beyond a valid login.
//
// API keys are checked against their roles at the time of the call. Service accounts are allowed
// everything: fixtures give them no roles.
#pragma once

#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/routes.h"

namespace keyform::sandbox {

// Throws ApiError 403 USER_UNAUTHORIZED, the detail naming the role the caller lacks.
void require_permission(const OrgState& state, const Principal& principal, const Route& route);

}  // namespace keyform::sandbox
