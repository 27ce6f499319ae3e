// Service accounts in projects, on atlas-v2 and public-v1: which projects an account is in
// (GET /orgs/{O}/serviceAccounts/{C}/groups: {groupId, roles}), which accounts a project has
// (GET /groups/{G}/serviceAccounts: GroupServiceAccount, roles being that project's), and
// assigning (POST …/{C}:invite {"roles"}, 200 GroupServiceAccount), changing (PATCH, 200) and
// removing (DELETE, 204 on atlas-v2; the account stays in the org with its secrets).
// Not confirmed by the reference, chosen so a client must handle them: an :invite of an account
// already in the project is 409 SERVICE_ACCOUNT_ALREADY_IN_GROUP and changes nothing; PATCH or
// DELETE of an account not in the project is 404 SERVICE_ACCOUNT_NOT_IN_GROUP; a "roles" list
// with a repeated role is 400 (the spec says uniqueItems).
#pragma once

#include "sandbox/fixture.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"

namespace keyform::sandbox {

Reply list_service_account_projects(const OrgState& state, const Call& call);
Reply list_project_service_accounts(const OrgState& state, const Call& call);
Reply invite_service_account(OrgState& state, const Call& call);
Reply update_project_service_account(OrgState& state, const Call& call);
Reply unassign_service_account(OrgState& state, const Call& call);

}  // namespace keyform::sandbox
