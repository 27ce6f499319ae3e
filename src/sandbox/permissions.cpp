#include "sandbox/permissions.h"

#include "sandbox/reply.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>

namespace keyform::sandbox {
namespace {

// The roles a caller holds now, whichever kind of principal it is. A key deleted since it
// authenticated has none. A service account the state does not know is unrestricted, as a
// login-only one: tokens stop working when their account is deleted (server.h), so only a caller
// in process (a test) names one.
struct CallerRoles {
  std::string label;  // "API key abcdefgh", "Service account mdb_sa_id_…": starts the 403 detail
  const std::vector<std::string>* org_roles = nullptr;
  const std::map<std::string, std::set<std::string>>* project_roles = nullptr;
  bool unrestricted = false;  // a login-only service account (fixture.h)
};

CallerRoles caller_roles(const OrgState& state, const Principal& principal) {
  if (principal.kind == Principal::Kind::api_key) {
    CallerRoles roles{fmt::format("API key {}", principal.name)};
    if (const ApiKey* key = state.find_key_by_public_key(principal.name)) {
      roles.org_roles = &key->org_roles;
      roles.project_roles = &key->project_roles;
    }
    return roles;
  }
  CallerRoles roles{fmt::format("Service account {}", principal.name)};
  const ServiceAccount* account = state.find_service_account(principal.name);
  roles.unrestricted = !account || account->login_only;
  if (account) {
    roles.org_roles = &account->org_roles;
    roles.project_roles = &account->project_roles;
  }
  return roles;
}

bool has_org_role(const CallerRoles& caller, std::string_view role) {
  return caller.org_roles &&
         std::find(caller.org_roles->begin(), caller.org_roles->end(), role) != caller.org_roles->end();
}

bool has_project_role(const CallerRoles& caller, const std::string& project_id,
                      const std::string& role) {
  if (!caller.project_roles) return false;
  auto it = caller.project_roles->find(project_id);
  return it != caller.project_roles->end() && it->second.count(role) > 0;
}

[[noreturn]] void forbidden(const std::string& detail) {
  throw ApiError(403, "USER_UNAUTHORIZED", detail);
}

// What a project write is about, as the 403 says it; nullopt for any other operation.
// Organization Owner or Project Owner of that project may make them.
std::optional<std::string_view> project_write_purpose(Operation operation) {
  switch (operation) {
    case Operation::assign_key:
    case Operation::update_key_roles:
    case Operation::set_key_roles:
    case Operation::unassign_key: return "API key assignments";
    case Operation::update_project_service_account:
    case Operation::unassign_service_account: return "service account assignments";
    default: return std::nullopt;
  }
}

// What an org-level write is for, as the 403 says it; nullopt for any other operation.
std::optional<std::string_view> org_write_purpose(Operation operation) {
  switch (operation) {
    case Operation::create_org_key: return "to create an API key";
    case Operation::delete_org_key: return "to delete an API key";
    case Operation::update_org_key: return "to update an API key";
    case Operation::add_access_entries:
    case Operation::delete_access_entry: return "to change an API key's access list";
    case Operation::create_service_account: return "to create a service account";
    case Operation::update_service_account: return "to update a service account";
    case Operation::delete_service_account: return "to delete a service account";
    case Operation::create_service_account_secret:
    case Operation::delete_service_account_secret: return "to change a service account's secrets";
    case Operation::add_service_account_access_entries:
    case Operation::delete_service_account_access_entry:
      return "to change a service account's access list";
    // The spec asks Organization Owner for :invite, unlike the other project writes.
    case Operation::invite_service_account: return "to add a service account to a project";
    default: return std::nullopt;
  }
}

// Reads that need Organization Member: any org role will do.
std::optional<std::string_view> member_read_purpose(Operation operation) {
  switch (operation) {
    case Operation::list_access_list:
    case Operation::get_access_entry: return "to read an API key's access list";
    case Operation::list_service_account_access_list:
      return "to read a service account's access list";
    default: return std::nullopt;
  }
}

}  // namespace

void require_permission(const OrgState& state, const Principal& principal, const Route& route) {
  const auto org_write = org_write_purpose(route.operation);
  const auto member_read = member_read_purpose(route.operation);
  const auto project_write = project_write_purpose(route.operation);
  if (!org_write && !member_read && !project_write) return;
  const CallerRoles caller = caller_roles(state, principal);
  if (caller.unrestricted) return;
  if (member_read) {
    if (caller.org_roles && !caller.org_roles->empty()) return;
    forbidden(fmt::format("{} has no role in this organization, needed {}.", caller.label,
                          *member_read));
  }
  if (has_org_role(caller, "ORG_OWNER")) return;
  if (org_write) {
    forbidden(fmt::format("{} lacks the Organization Owner role (ORG_OWNER), needed {}.",
                          caller.label, *org_write));
  }
  if (has_project_role(caller, route.project_id, "GROUP_OWNER")) return;
  forbidden(fmt::format(
      "{} lacks the Organization Owner role (ORG_OWNER) or the Project Owner role "
      "(GROUP_OWNER) in project {}, needed to change {} there.",
      caller.label, route.project_id, *project_write));
}

}  // namespace keyform::sandbox
