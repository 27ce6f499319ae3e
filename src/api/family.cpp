#include "api/family.h"

#include <array>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "api/service_account_requests.h"

namespace keyform {
namespace {

constexpr std::string_view kAtlasHost = "https://cloud.mongodb.com";

// Page sizes and media types: ../shared/reference/atlas-api-keys.md, "The three API families".
constexpr std::array kFamilies = {
    ApiFamily{"atlas-v2", "/api/atlas/v2", "application/vnd.atlas.2023-01-01+json", kAtlasHost, 500,
              true, true, "application/vnd.atlas.2024-08-05+json", true, "application/vnd.atlas.2025-03-12+json"},
    ApiFamily{"atlas-v1", "/api/atlas/v1.0", "application/json", kAtlasHost, 100, false, false},
    // Service accounts are Preview there, without access lists (atlas-key-lifecycle.md §4).
    ApiFamily{"cloud-manager", "/api/public/v1.0", "application/json", kAtlasHost, 500, false,
              false, "application/json", false},
    ApiFamily{"ops-manager", "/api/public/v1.0", "application/json", "", 500, false, false},
};

std::string roles_object(const std::vector<std::string>& roles) {
  return nlohmann::json{{"roles", roles}}.dump();
}

// A call in the family's own media type.
ApiRequest family_request(const ApiFamily& family, std::string method, std::string path,
                          std::optional<std::string> body = std::nullopt) {
  return {std::move(method), std::move(path), std::move(body), family.media_type};
}

}  // namespace

std::string list_path(const ApiFamily& family, const std::string& resource, int page) {
  return std::string(family.base_path) + resource + "?pageNum=" + std::to_string(page) +
         "&itemsPerPage=" + std::to_string(family.page_size);
}

const ApiFamily* find_family(std::string_view name) {
  for (const auto& family : kFamilies) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

std::vector<std::string_view> family_names() {
  std::vector<std::string_view> names;
  for (const auto& family : kFamilies) names.push_back(family.name);
  return names;
}

ApiRequest list_org_keys_request(const ApiFamily& family, const std::string& org_id, int page) {
  return family_request(family, "GET", list_path(family, "/orgs/" + org_id + "/apiKeys", page));
}

ApiRequest list_org_projects_request(const ApiFamily& family, const std::string& org_id, int page) {
  return family_request(family, "GET", list_path(family, "/orgs/" + org_id + "/groups", page));
}

ApiRequest list_rate_limits_request(const ApiFamily& family, const std::string& org_id, int page) {
  return {"GET", list_path(family, "/rateLimits", page) + "&orgId=" + org_id, std::nullopt, family.rate_limits_media_type};
}

ApiRequest get_org_key_request(const ApiFamily& family, const std::string& org_id, const std::string& key_id) {
  return family_request(family, "GET", std::string(family.base_path) + "/orgs/" + org_id + "/apiKeys/" + key_id);
}

ApiRequest list_access_list_request(const ApiFamily& family, const std::string& org_id, const std::string& key_id,
                                    int page) {
  return family_request(family, "GET", list_path(family, "/orgs/" + org_id + "/apiKeys/" + key_id + "/accessList", page));
}

namespace {

// A host entry is sent as ipAddress, a network as cidrBlock (the API takes one or the other).
bool is_host_entry(const std::string& cidr) {
  const auto slash = cidr.rfind('/');
  const std::string prefix = cidr.substr(slash + 1);
  return cidr.find(':') == std::string::npos ? prefix == "32" : prefix == "128";
}

std::string entry_address(const std::string& cidr) { return cidr.substr(0, cidr.rfind('/')); }

}  // namespace

std::string entry_segment(const std::string& cidr) {
  if (is_host_entry(cidr)) return entry_address(cidr);
  return entry_address(cidr) + "%2F" + cidr.substr(cidr.rfind('/') + 1);
}

std::string access_entry_body(const std::string& cidr) {
  const nlohmann::json entry = is_host_entry(cidr) ? nlohmann::json{{"ipAddress", entry_address(cidr)}}
                                                   : nlohmann::json{{"cidrBlock", cidr}};
  return nlohmann::json::array({entry}).dump();
}

namespace {

// PATCH /orgs/{O}/apiKeys/{K}: the fields that change; org roles as the complete list (whether
// the API merges a partial list is not documented).
std::string update_key_body(const Action& action) {
  nlohmann::json body = nlohmann::json::object();
  if (action.after.desc) body["desc"] = *action.after.desc;
  if (action.after.org_roles) body["roles"] = *action.after.org_roles;
  return body.dump();
}

}  // namespace

ApiRequest action_request(const ApiFamily& family, const std::string& org_id, const Action& action) {
  if (action.key.is_service_account()) return service_account_action_request(family, org_id, action);
  const std::string base(family.base_path);
  const std::string key = base + "/orgs/" + org_id + "/apiKeys/" + action.key.id;
  // Unassign is DELETE /groups/{G}/apiKeys/{K}; never /orgs/..., which deletes the key org-wide.
  const std::string assignment =
      action.project ? base + "/groups/" + action.project->id + "/apiKeys/" + action.key.id : std::string();
  switch (action.kind) {
    case ActionKind::create_key:
      // POST /orgs/{O}/apiKeys {desc, roles}: every family, both fields required (roles: 1 or more).
      return family_request(family, "POST", base + "/orgs/" + org_id + "/apiKeys",
                            nlohmann::json{{"desc", *action.after.desc}, {"roles", *action.after.org_roles}}.dump());
    case ActionKind::assign:
      if (family.assign_is_post_of_array) {
        return family_request(family, "POST", assignment,
                              nlohmann::json::array({{{"roles", action.roles_after}}}).dump());
      }
      return family_request(family, "PATCH", assignment, roles_object(action.roles_after));
    case ActionKind::update_roles: return family_request(family, "PATCH", assignment, roles_object(action.roles_after));
    case ActionKind::update_key: return family_request(family, "PATCH", key, update_key_body(action));
    case ActionKind::add_access_entry:
      return family_request(family, "POST", key + "/accessList", access_entry_body(*action.entry));
    case ActionKind::unassign: return family_request(family, "DELETE", assignment);
    case ActionKind::remove_access_entry:
      return family_request(family, "DELETE", key + "/accessList/" + entry_segment(*action.entry));
    case ActionKind::delete_key: return family_request(family, "DELETE", key);
    case ActionKind::create_service_account:
    case ActionKind::update_service_account:
    case ActionKind::create_secret:
    case ActionKind::delete_secret:
    case ActionKind::delete_service_account: break;
  }
  throw std::logic_error(describe(action) + ": no API key has this action");
}

}  // namespace keyform
