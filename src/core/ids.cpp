#include "core/ids.h"

#include <algorithm>

namespace keyform {

bool is_object_id(std::string_view text) {
  return text.size() == 24 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

namespace {
bool is_role_with_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || text.substr(0, prefix.size()) != prefix) return false;
  return std::all_of(text.begin() + prefix.size(), text.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}
}  // namespace

bool is_project_role(std::string_view text) { return is_role_with_prefix(text, "GROUP_"); }

bool is_org_role(std::string_view text) { return is_role_with_prefix(text, "ORG_"); }

}  // namespace keyform

