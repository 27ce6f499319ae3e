#include "api/service_account_requests.h"

#include <stdexcept>

#include <nlohmann/json.hpp>

namespace keyform {
namespace {

// A call in the family's service-account media type; none for a family without them.
ApiRequest account_request(const ApiFamily& family, std::string method, std::string path,
                           std::optional<std::string> body = std::nullopt) {
  if (!family.manages_service_accounts()) {
    throw std::logic_error("the " + std::string(family.name) + " API has no service-account requests");
  }
  return {std::move(method), std::move(path), std::move(body), family.service_account_media_type};
}

std::string accounts_path(const std::string& org_id) { return "/orgs/" + org_id + "/serviceAccounts"; }

std::string account_path(const std::string& org_id, const std::string& client_id) {
  return accounts_path(org_id) + "/" + client_id;
}

template <typename T>
const T& required(const std::optional<T>& field, const Action& action, const char* name) {
  if (!field) throw std::logic_error(describe(action) + ": the action has no " + name);
  return *field;
}

// OrgServiceAccountRequest: all four fields are required.
std::string create_account_body(const Action& action) {
  return nlohmann::json{{"name", required(action.after.name, action, "name")},
                        {"description", required(action.after.desc, action, "description")},
                        {"roles", required(action.after.org_roles, action, "org roles")},
                        {"secretExpiresAfterHours", required(action.after.expires_after_hours, action, "secret expiry")}}
      .dump();
}

// OrgServiceAccountUpdateRequest: only what changes; org roles as the complete list.
std::string update_account_body(const Action& action) {
  nlohmann::json body = nlohmann::json::object();
  if (action.after.name) body["name"] = *action.after.name;
  if (action.after.desc) body["description"] = *action.after.desc;
  if (action.after.org_roles) body["roles"] = *action.after.org_roles;
  return body.dump();
}

std::string roles_body(const Action& action) { return nlohmann::json{{"roles", action.roles_after}}.dump(); }

ApiRequest project_request(const ApiFamily& family, const Action& action) {
  const std::string assignment = std::string(family.base_path) + "/groups/" +
                                 required(action.project, action, "project").id + "/serviceAccounts/" + action.key.id;
  switch (action.kind) {
    case ActionKind::assign: return account_request(family, "POST", assignment + ":invite", roles_body(action));
    case ActionKind::update_roles: return account_request(family, "PATCH", assignment, roles_body(action));
    case ActionKind::unassign: return account_request(family, "DELETE", assignment);
    default: throw std::logic_error(describe(action) + ": not a project action");
  }
}

ApiRequest access_entry_request(const ApiFamily& family, const std::string& org_id, const Action& action) {
  if (!family.service_account_access_lists) {
    throw std::logic_error("the " + std::string(family.name) + " API has no service-account access lists");
  }
  const std::string list = std::string(family.base_path) + account_path(org_id, action.key.id) + "/accessList";
  const std::string& entry = required(action.entry, action, "access-list entry");
  if (action.kind == ActionKind::add_access_entry) return account_request(family, "POST", list, access_entry_body(entry));
  return account_request(family, "DELETE", list + "/" + entry_segment(entry));
}

}  // namespace

ApiRequest list_service_accounts_request(const ApiFamily& family, const std::string& org_id, int page) {
  return account_request(family, "GET", list_path(family, accounts_path(org_id), page));
}

ApiRequest get_service_account_request(const ApiFamily& family, const std::string& org_id,
                                       const std::string& client_id) {
  return account_request(family, "GET", std::string(family.base_path) + account_path(org_id, client_id));
}

ApiRequest list_service_account_projects_request(const ApiFamily& family, const std::string& org_id,
                                                 const std::string& client_id, int page) {
  return account_request(family, "GET", list_path(family, account_path(org_id, client_id) + "/groups", page));
}

ApiRequest list_project_service_accounts_request(const ApiFamily& family, const std::string& project_id, int page) {
  return account_request(family, "GET", list_path(family, "/groups/" + project_id + "/serviceAccounts", page));
}

ApiRequest list_service_account_access_list_request(const ApiFamily& family, const std::string& org_id,
                                                    const std::string& client_id, int page) {
  if (!family.service_account_access_lists) {
    throw std::logic_error("the " + std::string(family.name) + " API has no service-account access lists");
  }
  return account_request(family, "GET", list_path(family, account_path(org_id, client_id) + "/accessList", page));
}

ApiRequest service_account_action_request(const ApiFamily& family, const std::string& org_id, const Action& action) {
  const std::string base(family.base_path);
  const std::string account = base + account_path(org_id, action.key.id);
  switch (action.kind) {
    case ActionKind::create_service_account:
      return account_request(family, "POST", base + accounts_path(org_id), create_account_body(action));
    case ActionKind::update_service_account: return account_request(family, "PATCH", account, update_account_body(action));
    case ActionKind::delete_service_account: return account_request(family, "DELETE", account);
    case ActionKind::create_secret:
      return account_request(
          family, "POST", account + "/secrets",
          nlohmann::json{{"secretExpiresAfterHours", required(action.after.expires_after_hours, action, "secret expiry")}}
              .dump());
    case ActionKind::delete_secret:
      return account_request(family, "DELETE", account + "/secrets/" + required(action.secret, action, "secret").id);
    case ActionKind::assign:
    case ActionKind::update_roles:
    case ActionKind::unassign: return project_request(family, action);
    case ActionKind::add_access_entry:
    case ActionKind::remove_access_entry: return access_entry_request(family, org_id, action);
    case ActionKind::create_key:
    case ActionKind::update_key:
    case ActionKind::delete_key: break;
  }
  throw std::logic_error(describe(action) + ": no service account has this action");
}

}  // namespace keyform
