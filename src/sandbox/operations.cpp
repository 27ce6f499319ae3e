#include "sandbox/operations.h"

#include "sandbox/access_list.h"
#include "sandbox/ids.h"
#include "sandbox/key_creation.h"
#include "sandbox/operation_kit.h"
#include "sandbox/permissions.h"
#include "sandbox/service_account_access_list.h"
#include "sandbox/service_account_projects.h"
#include "sandbox/service_accounts.h"
#include "sandbox/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

json project_json(const OrgState& state, const Project& project) {
  return {{"id", project.id},
          {"name", project.name},
          {"orgId", state.org.id},
          {"clusterCount", 0},
          {"created", "2024-01-01T00:00:00Z"},
          {"links", json::array()}};
}

// Position of every project in listing order, so a key's roles can be listed in that order
// without scanning every project for every key.
using ProjectPositions = std::unordered_map<std::string_view, std::size_t>;

ProjectPositions project_positions(const OrgState& state) {
  ProjectPositions positions;
  positions.reserve(state.projects.size());
  for (std::size_t i = 0; i < state.projects.size(); ++i) positions.emplace(state.projects[i].id, i);
  return positions;
}

// Roles in listing order: org roles, then each assigned project's roles in the order the
// projects are listed.
json key_json(const OrgState& state, const ApiKey& key, const ProjectPositions& positions) {
  json roles = json::array();
  for (const std::string& role : key.org_roles) {
    roles.push_back({{"orgId", state.org.id}, {"roleName", role}});
  }
  std::vector<std::pair<std::size_t, const std::string*>> assigned;
  for (const auto& [project_id, project_roles] : key.project_roles) {
    auto it = positions.find(project_id);
    if (it != positions.end()) assigned.emplace_back(it->second, &project_id);
  }
  std::sort(assigned.begin(), assigned.end());
  for (const auto& [position, project_id] : assigned) {
    for (const std::string& role : key.project_roles.at(*project_id)) {
      roles.push_back({{"groupId", *project_id}, {"roleName", role}});
    }
  }
  return {{"id", key.id},     {"publicKey", key.public_key},
          {"desc", key.desc}, {"privateKey", masked_private_key(key.private_key)},
          {"roles", roles},   {"links", json::array()}};
}

// Ids no fixture uses ("fa17" + a counter), so synthetic items never collide with real ones.
std::string synthetic_id(long long n) { return fmt::format("fa17{:020x}", n); }

// "s" + 7 base-36 digits: a public key's shape (8 lowercase letters or digits), distinct per n.
std::string synthetic_public_key(long long n) {
  std::string key(8, '0');
  key[0] = 's';
  constexpr std::string_view digits = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (std::size_t i = 7; i > 0 && n > 0; --i, n /= 36) key[i] = digits[n % 36];
  return key;
}

json synthetic_key(const OrgState& state, long long n) {
  return {{"id", synthetic_id(n)},
          {"publicKey", synthetic_public_key(n)},
          {"desc", fmt::format("synthetic key {} (keyform-sandbox listing fault)", n)},
          {"privateKey", masked_private_key("000000000000")},
          {"roles", json::array({{{"orgId", state.org.id}, {"roleName", "ORG_MEMBER"}}})},
          {"links", json::array()}};
}

json synthetic_project(const OrgState& state, long long n) {
  return project_json(state, Project{synthetic_id(n), fmt::format("synthetic-project-{}", n)});
}

void require_org(const OrgState& state, const Route& route) {
  if (route.org_id != state.org.id) {
    throw ApiError(404, "ORG_NOT_FOUND",
                   fmt::format("No organization with ID {} exists.", route.org_id), {route.org_id});
  }
}

[[noreturn]] void not_assigned(const Route& route) {
  throw ApiError(
      404, "API_KEY_NOT_FOUND",
      fmt::format("API key {} is not assigned to group {}.", route.key_id, route.project_id),
      {route.key_id, route.project_id});
}

// Adds `value` (a "roles" array) to `roles`. Every listed role must be a project role, and a list,
// when given, must not be empty.
void add_roles(const json& value, std::set<std::string>& roles) {
  if (!value.is_array()) bad_attribute("roles", "expected an array of role names.");
  if (value.empty()) missing_attribute("roles");
  for (const json& role : value) {
    if (!role.is_string()) bad_attribute("roles", "expected an array of role names.");
    if (!is_project_role(role.get_ref<const std::string&>())) {
      throw ApiError(400, "INVALID_ROLE",
                     fmt::format("Role {} is not a valid project role.", role.dump()),
                     {role.get<std::string>()});
    }
    roles.insert(role.get<std::string>());
  }
}

const json& required_roles(const json& object) {
  auto it = object.find("roles");
  if (it == object.end()) missing_attribute("roles");
  return *it;
}

// v2 assign: [{"roles": [...]}, ...]; the union of all elements' roles.
std::set<std::string> assign_body_roles(std::string_view body) {
  json parsed = parse_body(body);
  if (!parsed.is_array()) {
    throw ApiError(400, "INVALID_JSON", "Expected a JSON array of {\"roles\": [...]} objects.");
  }
  if (parsed.empty()) missing_attribute("roles");
  std::set<std::string> roles;
  for (const json& element : parsed) {
    if (!element.is_object()) bad_attribute("roles", "each array element must be an object.");
    for (const auto& [name, value] : element.items()) {
      if (name != "roles") bad_attribute(name, "unknown attribute.");
    }
    add_roles(required_roles(element), roles);
  }
  return roles;
}

struct RolesUpdate {
  std::set<std::string> roles;
  std::optional<std::string> desc;
};

// PATCH (both families): {"roles": [...]} and optionally "desc", which the v2 schema allows.
RolesUpdate patch_body(std::string_view body) {
  json parsed = parse_body(body);
  if (!parsed.is_object()) {
    throw ApiError(400, "INVALID_JSON", "Expected a JSON object {\"roles\": [...]}.");
  }
  RolesUpdate update;
  for (const auto& [name, value] : parsed.items()) {
    if (name == "desc") {
      update.desc = desc_value(value);
    } else if (name != "roles") {
      bad_attribute(name, "unknown attribute.");
    }
  }
  add_roles(required_roles(parsed), update.roles);
  return update;
}

// PATCH /orgs/{O}/apiKeys/{K}: "desc" and/or "roles" (org roles from the spec's enum).
struct KeyUpdate {
  std::optional<std::string> desc;
  std::optional<std::vector<std::string>> org_roles;
};

KeyUpdate key_update_body(std::string_view body) {
  json parsed = parse_body(body);
  if (!parsed.is_object()) {
    throw ApiError(400, "INVALID_JSON", "Expected a JSON object {\"desc\": ..., \"roles\": [...]}.");
  }
  KeyUpdate update;
  for (const auto& [name, value] : parsed.items()) {
    if (name == "desc") {
      update.desc = desc_value(value);
    } else if (name == "roles") {
      update.org_roles = org_roles_value(value);
    } else {
      bad_attribute(name, "unknown attribute.");
    }
  }
  if (!update.desc && !update.org_roles) {
    throw ApiError(400, "MISSING_ATTRIBUTE",
                   "The request needs at least one of the attributes desc and roles.",
                   {"desc", "roles"});
  }
  return update;
}

// The org roles are replaced by the list sent; project roles stay.
Reply update_key(OrgState& state, const Call& call) {
  ApiKey& key = require_key(state, call.route.key_id);
  const KeyUpdate update = key_update_body(call.body);
  if (update.desc) key.desc = *update.desc;
  if (update.org_roles) key.org_roles = *update.org_roles;
  return ok(call, key_json(state, key));
}

std::vector<const ApiKey*> all_keys(const OrgState& state, const std::string& project_id = {}) {
  std::vector<const ApiKey*> items;
  for (const ApiKey& key : state.keys) {
    if (project_id.empty() || key.project_roles.count(project_id)) items.push_back(&key);
  }
  return items;
}

Page keys_page(const OrgState& state, const Call& call, const std::string& project_id = {}) {
  const ProjectPositions positions = project_positions(state);
  return page(
      all_keys(state, project_id), call,
      [&](const ApiKey& key) { return key_json(state, key, positions); },
      [&](long long n) { return synthetic_key(state, n); });
}

std::vector<const Project*> all_projects(const OrgState& state, const std::optional<std::string>& name) {
  std::vector<const Project*> items;
  for (const Project& project : state.projects) {
    if (!name || project.name == *name) items.push_back(&project);
  }
  return items;
}

Reply delete_key(OrgState& state, const Call& call) {
  require_key(state, call.route.key_id);
  // Assignments live inside the key, so erasing it removes the key from every project too.
  std::erase_if(state.keys, [&](const ApiKey& key) { return key.id == call.route.key_id; });
  return deleted(call);
}

// Re-assigning an assigned key is not a 409: the roles are replaced and the answer is 204, so a
// client retrying after a lost response converges instead of failing.
Reply assign(OrgState& state, const Call& call) {
  require_project(state, call.route.project_id);
  ApiKey& key = require_key(state, call.route.key_id);
  key.project_roles[call.route.project_id] = assign_body_roles(call.body);
  return no_body(call, 204);
}

// v2 PATCH changes an existing assignment; v1.0 PATCH (`may_assign`) also creates one.
Reply set_roles(OrgState& state, const Call& call, bool may_assign) {
  require_project(state, call.route.project_id);
  ApiKey& key = require_key(state, call.route.key_id);
  if (!may_assign && !key.project_roles.count(call.route.project_id)) not_assigned(call.route);
  RolesUpdate update = patch_body(call.body);
  key.project_roles[call.route.project_id] = update.roles;
  if (update.desc) key.desc = *update.desc;
  return ok(call, key_json(state, key));
}

Reply unassign(OrgState& state, const Call& call) {
  require_project(state, call.route.project_id);
  ApiKey& key = require_key(state, call.route.key_id);
  if (!key.project_roles.erase(call.route.project_id)) not_assigned(call.route);
  return deleted(call);
}

}  // namespace

std::string masked_private_key(std::string_view private_key) {
  std::string_view tail =
      private_key.size() > 12 ? private_key.substr(private_key.size() - 12) : private_key;
  return fmt::format("********-****-****-{}", tail);
}

json key_json(const OrgState& state, const ApiKey& key) {
  return key_json(state, key, project_positions(state));
}

Reply execute(OrgState& state, const Call& call) {
  const Route& route = call.route;
  if (!route.org_id.empty()) require_org(state, route);
  require_permission(state, call.principal, route);
  switch (route.operation) {
    case Operation::list_org_keys: return ok(call, keys_page(state, call));
    case Operation::create_org_key: return create_key(state, call);
    case Operation::get_org_key: return ok(call, key_json(state, require_key(state, route.key_id)));
    case Operation::delete_org_key: return delete_key(state, call);
    case Operation::update_org_key: return update_key(state, call);
    case Operation::list_access_list: return list_access_list(state, call);
    case Operation::add_access_entries: return add_access_entries(state, call);
    case Operation::get_access_entry: return get_access_entry(state, call);
    case Operation::delete_access_entry: return delete_access_entry(state, call);
    case Operation::list_org_projects:
      return ok(call, page(
                          all_projects(state, call.query.name), call,
                          [&](const Project& project) { return project_json(state, project); },
                          [&](long long n) { return synthetic_project(state, n); }));
    case Operation::list_project_keys:
      require_project(state, route.project_id);
      return ok(call, keys_page(state, call, route.project_id));
    case Operation::assign_key: return assign(state, call);
    case Operation::update_key_roles: return set_roles(state, call, /*may_assign=*/false);
    case Operation::set_key_roles: return set_roles(state, call, /*may_assign=*/true);
    case Operation::unassign_key: return unassign(state, call);
    case Operation::list_org_service_accounts: return list_org_service_accounts(state, call);
    case Operation::create_service_account: return create_service_account(state, call);
    case Operation::get_service_account: return get_service_account(state, call);
    case Operation::update_service_account: return update_service_account(state, call);
    case Operation::delete_service_account: return delete_service_account(state, call);
    case Operation::list_service_account_projects: return list_service_account_projects(state, call);
    case Operation::create_service_account_secret: return create_service_account_secret(state, call);
    case Operation::delete_service_account_secret: return delete_service_account_secret(state, call);
    case Operation::list_service_account_access_list:
      return list_service_account_access_list(state, call);
    case Operation::add_service_account_access_entries:
      return add_service_account_access_entries(state, call);
    case Operation::delete_service_account_access_entry:
      return delete_service_account_access_entry(state, call);
    case Operation::list_project_service_accounts: return list_project_service_accounts(state, call);
    case Operation::invite_service_account: return invite_service_account(state, call);
    case Operation::update_project_service_account:
      return update_project_service_account(state, call);
    case Operation::unassign_service_account: return unassign_service_account(state, call);
  }
  throw ApiError(500, "UNEXPECTED_ERROR", "Unknown operation.");
}

}  // namespace keyform::sandbox
