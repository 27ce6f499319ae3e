// One adapter per Admin API family: the only place that knows paths, media types, page sizes
// and which call assigns a key. The planner and the plan format never see these differences.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/plan.h"

namespace keyform {

struct ApiFamily {
  std::string_view name;              // "[target] api" value
  std::string_view base_path;         // appended to the base URL
  std::string_view media_type;        // Accept, and Content-Type of bodies
  std::string_view default_base_url;  // empty: the user must give one (Ops Manager)
  int page_size = 0;                  // the largest itemsPerPage the family allows
  bool assign_is_post_of_array = false;  // v2: POST [{roles}]; v1.0: PATCH {roles} assigns too
  bool accepts_service_accounts = false;  // keyform may authenticate as a service account (OAuth)
  // The media type of every service-account operation (v2 dates them 2024-08-05); empty: the
  // family has no service-account requests (Atlas v1.0, Ops Manager).
  std::string_view service_account_media_type = {};
  bool service_account_access_lists = false;  // …/serviceAccounts/{C}/accessList is documented
  // GET /rateLimits and its media type (v2: 2025-03-12 only); empty: the family documents none.
  std::string_view rate_limits_media_type = {};

  bool manages_service_accounts() const { return !service_account_media_type.empty(); }
};

const ApiFamily* find_family(std::string_view name);
std::vector<std::string_view> family_names();

// One call, with the media type it is sent with (Accept, and Content-Type of its body): per
// operation, because v2 dates each one: the family's for key and project calls, the family's
// service_account_media_type for service-account calls (api/service_account_requests.h).
struct ApiRequest {
  std::string method;
  std::string path;  // base path + resource + query
  std::optional<std::string> body;
  std::string_view media_type;
};

// base path + resource + "?pageNum=N&itemsPerPage=<the family's largest page>".
std::string list_path(const ApiFamily& family, const std::string& resource, int page);

ApiRequest list_org_keys_request(const ApiFamily& family, const std::string& org_id, int page);
ApiRequest list_org_projects_request(const ApiFamily& family, const std::string& org_id, int page);

// GET /rateLimits?orgId=O, one page, in the family's rate_limits_media_type.
ApiRequest list_rate_limits_request(const ApiFamily& family, const std::string& org_id, int page);

// GET /orgs/{O}/apiKeys/{K}: checks whether a write whose answer was lost took effect.
ApiRequest get_org_key_request(const ApiFamily& family, const std::string& org_id, const std::string& key_id);

// GET /orgs/{O}/apiKeys/{K}/accessList: one page of a key's IP access list.
ApiRequest list_access_list_request(const ApiFamily& family, const std::string& org_id, const std::string& key_id,
                                    int page);

// An access-list entry (a canonical CIDR) as a path segment: the address alone for one host, or
// the CIDR with its slash as %2F (a raw "/" would name another path).
std::string entry_segment(const std::string& cidr);
// The body that adds it: [{"ipAddress"}] for one host, [{"cidrBlock"}] for a network (keys and
// service accounts name these two fields alike).
std::string access_entry_body(const std::string& cidr);

// The one call that carries out a plan action; an action about a service account is
// service_account_action_request's (api/service_account_requests.h).
ApiRequest action_request(const ApiFamily& family, const std::string& org_id, const Action& action);

}  // namespace keyform
