// The Admin API calls about service accounts: paths, bodies and their media type (the family's
// service_account_media_type: 2024-08-05 on atlas-v2, application/json on Cloud Manager). A family
// without service accounts (atlas-v1, ops-manager) has no such request: the builders throw
// std::logic_error, since the config refuses service accounts there before any call is planned.
// Paths and bodies: ../shared/reference/atlas-key-lifecycle.md §4.
#pragma once

#include <string>

#include "api/family.h"
#include "core/plan.h"

namespace keyform {

// GET /orgs/{O}/serviceAccounts, one page. includeSystemManaged is never sent (its default,
// false, keeps the system-managed accounts out of every read).
ApiRequest list_service_accounts_request(const ApiFamily& family, const std::string& org_id, int page);

// GET /orgs/{O}/serviceAccounts/{C}: checks a write whose answer was lost, and the secrets an
// account has before one is created.
ApiRequest get_service_account_request(const ApiFamily& family, const std::string& org_id,
                                       const std::string& client_id);

// GET /orgs/{O}/serviceAccounts/{C}/groups: one page of the projects of one account.
ApiRequest list_service_account_projects_request(const ApiFamily& family, const std::string& org_id,
                                                 const std::string& client_id, int page);

// GET /groups/{G}/serviceAccounts: one page of the accounts in one project.
ApiRequest list_project_service_accounts_request(const ApiFamily& family, const std::string& project_id, int page);

// GET /orgs/{O}/serviceAccounts/{C}/accessList: one page (families with service_account_access_lists).
ApiRequest list_service_account_access_list_request(const ApiFamily& family, const std::string& org_id,
                                                    const std::string& client_id, int page);

// The one call that carries out an action about a service account (action.key.kind is
// service_account), creates included:
//   create_service_account  POST   /orgs/{O}/serviceAccounts {name, description, roles, secretExpiresAfterHours}
//   update_service_account  PATCH  /orgs/{O}/serviceAccounts/{C} {only the fields in action.after}
//   delete_service_account  DELETE /orgs/{O}/serviceAccounts/{C}
//   create_secret           POST   /orgs/{O}/serviceAccounts/{C}/secrets {secretExpiresAfterHours}
//   delete_secret           DELETE /orgs/{O}/serviceAccounts/{C}/secrets/{S}
//   assign                  POST   /groups/{G}/serviceAccounts/{C}:invite {roles}
//   update_roles            PATCH  /groups/{G}/serviceAccounts/{C} {roles}
//   unassign                DELETE /groups/{G}/serviceAccounts/{C} (the account stays in the org)
//   add/remove_access_entry POST/DELETE /orgs/{O}/serviceAccounts/{C}/accessList[/{entry}]
// Throws std::logic_error for a kind no service account has, or a field the kind needs unset.
ApiRequest service_account_action_request(const ApiFamily& family, const std::string& org_id, const Action& action);

}  // namespace keyform
