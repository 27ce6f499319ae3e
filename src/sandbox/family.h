// The three API families the sandbox serves from one org state. They differ in base path, page
// size, media types, write statuses and (v2 only) the POST assign call and service-account tokens.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace keyform::sandbox {

enum class DeleteStyle {
  no_content,    // 204, no body (Atlas v2)
  empty_object,  // 200 with "{}" (Atlas v1.0)
  empty_body,    // 200 with nothing (Cloud/Ops Manager public v1.0)
};

struct Family {
  std::string_view name;
  std::string_view base_path;
  int max_items_per_page;
  bool versioned;  // Atlas v2: dated media types, POST assign, bearer tokens
  DeleteStyle delete_style;
  std::string_view media_type;  // of success bodies
  bool service_accounts;        // serves /orgs/{O}/serviceAccounts (atlas-v2, public-v1)
};

// The only version the v2 spec gives every service-account operation.
inline constexpr std::string_view service_account_v2_type = "application/vnd.atlas.2024-08-05+json";

// The media type of a service-account operation's success bodies in `family`.
std::string_view service_account_media_type(const Family& family);

// After check_media_types, for service-account operations on atlas-v2: throws ApiError 406 when
// `accept` does not list service_account_v2_type, 415 when a body's `content_type` is another.
void check_service_account_media_types(const Family& family, std::string_view accept,
                                       std::string_view content_type, bool has_body);

std::span<const Family> families();

// The family whose base path prefixes `path` (followed by "/" or the end); nullptr if none.
const Family* family_for_path(std::string_view path);

// Throws ApiError 406 when `accept` does not fit the family, 415 when a body's `content_type`
// does not. v2 wants application/vnd.atlas.<known date>+json; v1.0 plain JSON.
void check_media_types(const Family& family, std::string_view accept, std::string_view content_type,
                       bool has_body);

}  // namespace keyform::sandbox
