#include "sandbox/family.h"

#include "sandbox/reply.h"
#include "sandbox/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace keyform::sandbox {
namespace {

constexpr std::array<Family, 3> all_families{{
    {"atlas-v2", "/api/atlas/v2", 500, true, DeleteStyle::no_content,
     "application/vnd.atlas.2023-01-01+json", true},
    {"atlas-v1", "/api/atlas/v1.0", 100, false, DeleteStyle::empty_object, "application/json",
     false},
    // Cloud Manager documents service accounts (as Preview); Ops Manager does not, but shares
    // this base path, so the sandbox serves them here for both.
    {"public-v1", "/api/public/v1.0", 500, false, DeleteStyle::empty_body, "application/json",
     true},
}};

// Every version date of the v2 API; these operations exist in all of them.
constexpr std::array<std::string_view, 8> v2_versions{"2023-01-01", "2023-02-01", "2023-11-15",
                                                      "2024-05-30", "2024-08-05", "2024-10-23",
                                                      "2025-02-19", "2025-03-12"};

bool is_v2_media_type(std::string_view type) {
  constexpr std::string_view prefix = "application/vnd.atlas.";
  constexpr std::string_view suffix = "+json";
  if (!type.starts_with(prefix) || !type.ends_with(suffix)) return false;
  std::string_view date = type.substr(prefix.size(), type.size() - prefix.size() - suffix.size());
  return std::find(v2_versions.begin(), v2_versions.end(), date) != v2_versions.end();
}

bool is_acceptable(const Family& family, std::string_view accept) {
  if (!family.versioned && trim(accept).empty()) return true;
  for (const std::string& type : accepted_media_types(accept)) {
    if (family.versioned ? is_v2_media_type(type)
                         : type == "application/json" || type == "*/*" || type == "application/*") {
      return true;
    }
  }
  return false;
}

bool is_acceptable_body(const Family& family, std::string_view content_type) {
  std::string type = media_type(content_type);
  return family.versioned ? is_v2_media_type(type) : type == "application/json";
}

std::string_view expected_type(const Family& family) {
  return family.versioned
             ? "application/vnd.atlas.<version>+json (e.g. application/vnd.atlas.2023-01-01+json)"
             : "application/json";
}

}  // namespace

std::span<const Family> families() { return all_families; }

const Family* family_for_path(std::string_view path) {
  for (const Family& family : all_families) {
    if (path.starts_with(family.base_path) &&
        (path.size() == family.base_path.size() || path[family.base_path.size()] == '/')) {
      return &family;
    }
  }
  return nullptr;
}

void check_media_types(const Family& family, std::string_view accept, std::string_view content_type,
                       bool has_body) {
  if (!is_acceptable(family, accept)) {
    throw ApiError(406, "INVALID_VERSION_OR_MEDIA_TYPE",
                   fmt::format("The Accept header \"{}\" is not supported by {}; send {}.", accept,
                               family.base_path, expected_type(family)),
                   {std::string(accept)});
  }
  if (has_body && !is_acceptable_body(family, content_type)) {
    throw ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
                   fmt::format("The Content-Type \"{}\" is not supported by {}; send {}.",
                               content_type, family.base_path, expected_type(family)),
                   {std::string(content_type)});
  }
}

std::string_view service_account_media_type(const Family& family) {
  return family.versioned ? service_account_v2_type : family.media_type;
}

void check_service_account_media_types(const Family& family, std::string_view accept,
                                       std::string_view content_type, bool has_body) {
  if (!family.versioned) return;
  const auto types = accepted_media_types(accept);
  if (std::find(types.begin(), types.end(), service_account_v2_type) == types.end()) {
    throw ApiError(406, "INVALID_VERSION_OR_MEDIA_TYPE",
                   fmt::format("The Accept header \"{}\" is not supported by this resource; send "
                               "{} (service accounts exist only in that version).",
                               accept, service_account_v2_type),
                   {std::string(accept)});
  }
  if (has_body && media_type(content_type) != service_account_v2_type) {
    throw ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
                   fmt::format("The Content-Type \"{}\" is not supported by this resource; send {}.",
                               content_type, service_account_v2_type),
                   {std::string(content_type)});
  }
}

}  // namespace keyform::sandbox
