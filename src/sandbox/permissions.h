// Role enforcement, as the Admin API does it for the calls keyform makes: creating, deleting or
// updating (PATCH) a key or a service account, changing their access lists or an account's
// secrets, and adding a service account to a project (:invite) need Organization Owner;
// assigning, updating or unassigning a key, and changing or removing a service account in a
// project, need Organization Owner or Project Owner of that project; reading an access list
// needs a role in the org (Organization Member). Other reads need no role beyond a valid login.
//
// API keys and service accounts are checked against their roles at the time of the call.
// Login-only service accounts (fixture.h), and service accounts the state does not know (only a
// caller in process can name one), are allowed everything: they have no roles to check.
#pragma once

#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/routes.h"

namespace keyform::sandbox {

// Throws ApiError 403 USER_UNAUTHORIZED, the detail naming the role the caller lacks.
void require_permission(const OrgState& state, const Principal& principal, const Route& route);

}  // namespace keyform::sandbox
