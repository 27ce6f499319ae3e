#include "sandbox/permissions.h"

#include "sandbox/reply.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string_view>

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

// What an org-level write is for, as the 403 says it; nullopt for any other operation.
std::optional<std::string_view> org_write_purpose(Operation operation) {
  switch (operation) {
    case Operation::create_org_key: return "to create an API key";
    case Operation::delete_org_key: return "to delete an API key";
    case Operation::update_org_key: return "to update an API key";
    case Operation::add_access_entries:
    case Operation::delete_access_entry: return "to change an API key's access list";
    default: return std::nullopt;
  }
}

// Reads that need Organization Member: any org role will do.
bool is_member_read(Operation operation) {
  return operation == Operation::list_access_list || operation == Operation::get_access_entry;
}

}  // namespace

void require_permission(const OrgState& state, const Principal& principal, const Route& route) {
  const auto org_write = org_write_purpose(route.operation);
  const bool member_read = is_member_read(route.operation);
  if (!org_write && !member_read && !is_project_write(route.operation)) return;
  if (principal.kind == Principal::Kind::service_account) return;
  // A key deleted since it authenticated has no roles left.
  const ApiKey* caller = state.find_key_by_public_key(principal.name);
  if (member_read) {
    if (caller && !caller->org_roles.empty()) return;
    forbidden(fmt::format("API key {} has no role in this organization, needed to read an API "
                          "key's access list.",
                          principal.name));
  }
  if (caller && has_org_role(*caller, "ORG_OWNER")) return;
  if (org_write) {
    forbidden(fmt::format("API key {} lacks the Organization Owner role (ORG_OWNER), needed {}.",
                          principal.name, *org_write));
  }
  if (caller && has_project_role(*caller, route.project_id, "GROUP_OWNER")) return;
  forbidden(fmt::format(
      "API key {} lacks the Organization Owner role (ORG_OWNER) or the Project Owner role "
      "(GROUP_OWNER) in project {}, needed to change API key assignments there.",
      principal.name, route.project_id));
}

}  // namespace keyform::sandbox
