#include "sandbox/ids.h"

#include <algorithm>
#include <array>

namespace keyform::sandbox {
namespace {

bool is_role_with_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || !text.starts_with(prefix)) return false;
  return std::all_of(text.begin() + prefix.size(), text.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}

}  // namespace

bool is_object_id(std::string_view text) {
  return text.size() == 24 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool is_project_role(std::string_view text) { return is_role_with_prefix(text, "GROUP_"); }

bool is_org_role(std::string_view text) { return is_role_with_prefix(text, "ORG_"); }

bool is_documented_org_role(std::string_view text) {
  constexpr std::array<std::string_view, 7> roles{
      "ORG_OWNER",         "ORG_MEMBER",         "ORG_GROUP_CREATOR",          "ORG_BILLING_ADMIN",
      "ORG_BILLING_READ_ONLY", "ORG_STREAM_PROCESSING_ADMIN", "ORG_READ_ONLY"};
  return std::find(roles.begin(), roles.end(), text) != roles.end();
}

bool is_client_id(std::string_view text) {
  constexpr std::string_view prefix = "mdb_sa_id_";
  if (text.size() != prefix.size() + 24 || !text.starts_with(prefix)) return false;
  return std::all_of(text.begin() + prefix.size(), text.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

bool is_account_text(std::string_view text) {
  constexpr std::string_view punctuation = "-_.,' ";
  return std::all_of(text.begin(), text.end(), [&](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || punctuation.find(c) != std::string_view::npos;
  });
}

}  // namespace keyform::sandbox
