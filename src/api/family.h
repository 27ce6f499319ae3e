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
  bool accepts_service_accounts = false;
};

const ApiFamily* find_family(std::string_view name);
std::vector<std::string_view> family_names();

// One call, with the media type it is sent with (Accept, and Content-Type of its body): the
// family's for every operation keyform makes today; per operation because v2 dates each one
// (service accounts are 2024-08-05, rate limits 2025-03-12).
struct ApiRequest {
  std::string method;
  std::string path;  // base path + resource + query
  std::optional<std::string> body;
  std::string_view media_type;
};

ApiRequest list_org_keys_request(const ApiFamily& family, const std::string& org_id, int page);
ApiRequest list_org_projects_request(const ApiFamily& family, const std::string& org_id, int page);

// GET /orgs/{O}/apiKeys/{K}: checks whether a write whose answer was lost took effect.
ApiRequest get_org_key_request(const ApiFamily& family, const std::string& org_id, const std::string& key_id);

// GET /orgs/{O}/apiKeys/{K}/accessList: one page of a key's IP access list.
ApiRequest list_access_list_request(const ApiFamily& family, const std::string& org_id, const std::string& key_id,
                                    int page);

// The one call that carries out a plan action.
ApiRequest action_request(const ApiFamily& family, const std::string& org_id, const Action& action);

}  // namespace keyform
