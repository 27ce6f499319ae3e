// Which Admin API operation a request names, and what its query string asks for.
// Pure: no state, no HTTP library types.
#pragma once

#include "sandbox/family.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace keyform::sandbox {

enum class Operation {
  list_org_keys,      // GET    /orgs/{O}/apiKeys
  create_org_key,     // POST   /orgs/{O}/apiKeys   body {"desc", "roles": org roles}
  get_org_key,        // GET    /orgs/{O}/apiKeys/{K}
  delete_org_key,     // DELETE /orgs/{O}/apiKeys/{K}
  update_org_key,     // PATCH  /orgs/{O}/apiKeys/{K}   body {"desc"?, "roles"?: org roles}
  list_access_list,   // GET    /orgs/{O}/apiKeys/{K}/accessList
  add_access_entries, // POST   /orgs/{O}/apiKeys/{K}/accessList   body [{"ipAddress"|"cidrBlock"}]
  get_access_entry,   // GET    /orgs/{O}/apiKeys/{K}/accessList/{E}
  delete_access_entry,// DELETE /orgs/{O}/apiKeys/{K}/accessList/{E}
  list_org_projects,  // GET    /orgs/{O}/groups
  list_project_keys,  // GET    /groups/{G}/apiKeys
  assign_key,         // POST   /groups/{G}/apiKeys/{K}   (v2) body [{"roles": [...]}]
  update_key_roles,   // PATCH  /groups/{G}/apiKeys/{K}   (v2) key must be assigned already
  set_key_roles,      // PATCH  /groups/{G}/apiKeys/{K}   (v1.0) assigns or updates
  unassign_key,       // DELETE /groups/{G}/apiKeys/{K}
  // Service accounts (service_accounts.h): atlas-v2 and public-v1 (Cloud Manager), access lists
  // atlas-v2 only. {C} is a client id, {S} a secret id.
  list_org_service_accounts,     // GET    /orgs/{O}/serviceAccounts
  create_service_account,        // POST   /orgs/{O}/serviceAccounts
  get_service_account,           // GET    /orgs/{O}/serviceAccounts/{C}
  update_service_account,        // PATCH  /orgs/{O}/serviceAccounts/{C}
  delete_service_account,        // DELETE /orgs/{O}/serviceAccounts/{C}
  list_service_account_projects, // GET    /orgs/{O}/serviceAccounts/{C}/groups
  create_service_account_secret, // POST   /orgs/{O}/serviceAccounts/{C}/secrets
  delete_service_account_secret, // DELETE /orgs/{O}/serviceAccounts/{C}/secrets/{S}
  list_service_account_access_list,   // GET    /orgs/{O}/serviceAccounts/{C}/accessList
  add_service_account_access_entries, // POST   /orgs/{O}/serviceAccounts/{C}/accessList
  delete_service_account_access_entry,// DELETE /orgs/{O}/serviceAccounts/{C}/accessList/{E}
  list_project_service_accounts, // GET    /groups/{G}/serviceAccounts
  invite_service_account,        // POST   /groups/{G}/serviceAccounts/{C}:invite
  update_project_service_account,// PATCH  /groups/{G}/serviceAccounts/{C}
  unassign_service_account,      // DELETE /groups/{G}/serviceAccounts/{C}
};

// Whether the operation is one of the service-account ones above: on atlas-v2 they speak only
// application/vnd.atlas.2024-08-05+json.
bool is_service_account_operation(Operation operation);

struct Route {
  Operation operation;
  std::string org_id;      // set for /orgs/{O}/...
  std::string project_id;  // set for /groups/{G}/...
  std::string key_id;      // set when the path names a key
  std::string entry{};     // access-list entry as sent, still percent-encoded ("192.0.2.0%2F24")
  std::string client_id{}; // set when the path names a service account
  std::string secret_id{}; // set when the path names a service-account secret
};

// `rest` is the path after the family's base path ("/orgs/.../apiKeys"), as sent: split at each
// raw "/" first, then each segment is percent-decoded (the entry is kept encoded, see Route). So
// "accessList/192.0.2.0%2F24" names an entry and "accessList/192.0.2.0/24" is no path at all.
// Throws ApiError: 404 RESOURCE_NOT_FOUND (no such path), 405 METHOD_NOT_ALLOWED (path exists,
// method does not, in this family; 404 when the family has no method there at all), 400
// INVALID_ATTRIBUTE (an id is not 24 lowercase hex digits, a client id not mdb_sa_id_ + 24 hex).
Route match_route(const Family& family, std::string_view method, std::string_view rest);

struct PageRequest {
  long long page_num = 1;
  long long items_per_page = 100;
  bool include_count = true;
};

struct Query {
  PageRequest page;
  std::optional<std::string> name;  // GET /orgs/{O}/groups?name=: only the project with that name
};

using QueryParams = std::multimap<std::string, std::string>;  // same type as httplib::Params

// Validates every query parameter; unknown or repeated ones are errors, so a client's typo
// (say "page=2") cannot go unnoticed. Throws ApiError 400 INVALID_QUERY_PARAMETER.
Query parse_query(const QueryParams& params, const Family& family, Operation operation);

// ?envelope=true / ?pretty=true, read leniently (parse_query reports bad values).
struct Format {
  bool envelope = false;
  bool pretty = false;
};
Format read_format(const QueryParams& params);

}  // namespace keyform::sandbox
