#include "sandbox/permissions.h"

#include "sandbox/reply.h"

#include <fmt/format.h>

#include <algorithm>

namespace keyform::sandbox {
namespace {

bool has_org_role(const ApiKey& key, std::string_view role) {
  return std::find(key.org_roles.begin(), key.org_roles.end(), role) != key.org_roles.end();
}

bool has_project_role(const ApiKey& key, const std::string& project_id, const std::string& role) {
  auto it = key.project_roles.find(project_id);
  return it != key.project_roles.end() && it->second.count(role) > 0;
}

[[noreturn]] void forbidden(const std::string& detail) {
  throw ApiError(403, "USER_UNAUTHORIZED", detail);
}

bool is_project_write(Operation operation) {
  switch (operation) {
    case Operation::assign_key:
    case Operation::update_key_roles:
    case Operation::set_key_roles:
    case Operation::unassign_key: return true;
    default: return false;
  }
}

}  // namespace

void require_permission(const OrgState& state, const Principal& principal, const Route& route) {
  const bool org_write = route.operation == Operation::delete_org_key;
  if (!org_write && !is_project_write(route.operation)) return;
  if (principal.kind == Principal::Kind::service_account) return;
  // A key deleted since it authenticated has no roles left.
  const ApiKey* caller = state.find_key_by_public_key(principal.name);
  if (caller && has_org_role(*caller, "ORG_OWNER")) return;
  if (org_write) {
    forbidden(fmt::format(
        "API key {} lacks the Organization Owner role (ORG_OWNER), needed to delete an API key.",
        principal.name));
  }
  if (caller && has_project_role(*caller, route.project_id, "GROUP_OWNER")) return;
  forbidden(fmt::format(
      "API key {} lacks the Organization Owner role (ORG_OWNER) or the Project Owner role "
      "(GROUP_OWNER) in project {}, needed to change API key assignments there.",
      principal.name, route.project_id));
}

}  // namespace keyform::sandbox
