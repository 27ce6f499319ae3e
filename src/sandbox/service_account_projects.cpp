#include "sandbox/service_account_projects.h"

#include "sandbox/ids.h"
#include "sandbox/operation_kit.h"
#include "sandbox/service_accounts.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

json project_account_json(const ServiceAccount& account, const std::string& project_id) {
  return account_json(account, account.project_roles.at(project_id));
}

// Non-empty, project roles only, no repeats.
std::set<std::string> project_roles_value(const json& value) {
  if (!value.is_array()) bad_attribute("roles", "expected an array of role names.");
  if (value.empty()) missing_attribute("roles");
  std::set<std::string> roles;
  for (const json& role : value) {
    if (!role.is_string()) bad_attribute("roles", "expected an array of role names.");
    if (!is_project_role(role.get_ref<const std::string&>())) {
      throw ApiError(400, "INVALID_ROLE",
                     fmt::format("Role {} is not a valid project role.", role.dump()),
                     {role.get<std::string>()});
    }
    if (!roles.insert(role.get<std::string>()).second) {
      bad_attribute("roles", fmt::format("role {} is listed twice.", role.dump()));
    }
  }
  return roles;
}

json object_body(std::string_view body) {
  json parsed = parse_body(body);
  if (!parsed.is_object()) throw ApiError(400, "INVALID_JSON", R"(Expected a JSON object {"roles": [...]}.)");
  return parsed;
}

ServiceAccount& require_assigned(OrgState& state, const Call& call) {
  require_project(state, call.route.project_id);
  ServiceAccount& account = require_service_account(state, call.route.client_id);
  if (!account.project_roles.count(call.route.project_id)) {
    throw ApiError(404, "SERVICE_ACCOUNT_NOT_IN_GROUP",
                   fmt::format("Service account {} is not in group {}.", account.client_id,
                               call.route.project_id),
                   {account.client_id, call.route.project_id});
  }
  return account;
}

template <typename T, typename ToJson>
Reply account_page(const std::vector<const T*>& items, const Call& call, ToJson to_json) {
  Page listing = page(items, call, to_json, [](long long) { return json::object(); });
  Reply reply = account_reply(call, std::move(listing.body));
  reply.padding = listing.padding;
  return reply;
}

}  // namespace

// In the order the org's projects are listed.
Reply list_service_account_projects(const OrgState& state, const Call& call) {
  const ServiceAccount& account = require_service_account(state, call.route.client_id);
  std::vector<const Project*> projects;
  for (const Project& project : state.projects) {
    if (account.project_roles.count(project.id)) projects.push_back(&project);
  }
  return account_page(projects, call, [&](const Project& project) {
    return json{{"groupId", project.id}, {"roles", account.project_roles.at(project.id)}};
  });
}

Reply list_project_service_accounts(const OrgState& state, const Call& call) {
  const std::string& project_id = require_project(state, call.route.project_id).id;
  std::vector<const ServiceAccount*> accounts;
  for (const ServiceAccount& account : state.service_accounts) {
    if (!account.login_only && account.project_roles.count(project_id)) accounts.push_back(&account);
  }
  return account_page(accounts, call, [&](const ServiceAccount& account) {
    return project_account_json(account, project_id);
  });
}

// GroupServiceAccountRoleAssignment: {"roles"} required, nothing else.
Reply invite_service_account(OrgState& state, const Call& call) {
  require_project(state, call.route.project_id);
  ServiceAccount& account = require_service_account(state, call.route.client_id);
  const json parsed = object_body(call.body);
  for (const auto& [name, value] : parsed.items()) {
    if (name != "roles") bad_attribute(name, "unknown attribute.");
  }
  if (!parsed.contains("roles")) missing_attribute("roles");
  std::set<std::string> roles = project_roles_value(parsed["roles"]);
  if (account.project_roles.count(call.route.project_id)) {
    throw ApiError(409, "SERVICE_ACCOUNT_ALREADY_IN_GROUP",
                   fmt::format("Service account {} is already in group {}.", account.client_id,
                               call.route.project_id),
                   {account.client_id, call.route.project_id});
  }
  account.project_roles[call.route.project_id] = std::move(roles);
  return account_reply(call, project_account_json(account, call.route.project_id));
}

// GroupServiceAccountUpdateRequest: name, description, roles (this project's), all optional and
// nullable; checked in full before anything changes.
Reply update_project_service_account(OrgState& state, const Call& call) {
  ServiceAccount& account = require_assigned(state, call);
  const json parsed = object_body(call.body);
  ServiceAccount changed = account;
  for (const auto& [name, value] : parsed.items()) {
    if (value.is_null()) continue;
    if (name == "name") {
      changed.name = account_text_value(value, "name", 64);
    } else if (name == "description") {
      changed.description = account_text_value(value, "description", 250);
    } else if (name == "roles") {
      changed.project_roles[call.route.project_id] = project_roles_value(value);
    } else {
      bad_attribute(name, "unknown attribute.");
    }
  }
  account = std::move(changed);
  return account_reply(call, project_account_json(account, call.route.project_id));
}

Reply unassign_service_account(OrgState& state, const Call& call) {
  require_assigned(state, call).project_roles.erase(call.route.project_id);
  return deleted(call);
}

}  // namespace keyform::sandbox
