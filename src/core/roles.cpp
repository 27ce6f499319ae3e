#include "core/roles.h"

#include <algorithm>

namespace keyform {

const std::vector<std::string_view>& documented_project_roles() {
  static const std::vector<std::string_view> roles = {
      "GROUP_BACKUP_MANAGER",         "GROUP_CLUSTER_MANAGER",         "GROUP_DATABASE_ACCESS_ADMIN",
      "GROUP_DATA_ACCESS_ADMIN",      "GROUP_DATA_ACCESS_READ_ONLY",   "GROUP_DATA_ACCESS_READ_WRITE",
      "GROUP_OBSERVABILITY_VIEWER",   "GROUP_OWNER",                   "GROUP_READ_ONLY",
      "GROUP_SEARCH_INDEX_EDITOR",    "GROUP_STREAM_PROCESSING_OWNER",
  };
  return roles;
}

const std::vector<std::string_view>& documented_org_roles() {
  static const std::vector<std::string_view> roles = {
      "ORG_BILLING_ADMIN", "ORG_BILLING_READ_ONLY", "ORG_GROUP_CREATOR",           "ORG_MEMBER",
      "ORG_OWNER",         "ORG_READ_ONLY",         "ORG_STREAM_PROCESSING_ADMIN",
  };
  return roles;
}

namespace {

bool listed(const std::vector<std::string_view>& roles, std::string_view role) {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

// Levenshtein distance with adjacent transpositions counted as one edit (ONYL -> ONLY).
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string_view> closest(std::string_view role, const std::vector<std::string_view>& roles) {
  constexpr std::size_t kMaxTypoEdits = 3;
  std::optional<std::string_view> best;
  std::size_t best_distance = kMaxTypoEdits + 1;
  for (std::string_view known : roles) {
    const std::size_t distance = edit_distance(role, known);
    if (distance < best_distance) best = known, best_distance = distance;
  }
  return best;
}

// `noun` is "project" or "organization".
std::optional<std::string> warning(std::string_view role, const std::vector<std::string_view>& roles,
                                   std::string_view noun) {
  if (listed(roles, role)) return std::nullopt;
  std::string text = "role \"" + std::string(role) + "\" is not a documented " + std::string(noun) + " role";
  if (auto guess = closest(role, roles)) text += " (did you mean " + std::string(*guess) + "?)";
  return text + "; the API may refuse it when the plan is applied";
}

}  // namespace

bool is_documented_project_role(std::string_view role) { return listed(documented_project_roles(), role); }

std::optional<std::string_view> closest_documented_role(std::string_view role) {
  return closest(role, documented_project_roles());
}

std::optional<std::string> undocumented_role_warning(std::string_view role) {
  return warning(role, documented_project_roles(), "project");
}

bool is_documented_org_role(std::string_view role) { return listed(documented_org_roles(), role); }

std::optional<std::string_view> closest_documented_org_role(std::string_view role) {
  return closest(role, documented_org_roles());
}

std::optional<std::string> undocumented_org_role_warning(std::string_view role) {
  return warning(role, documented_org_roles(), "organization");
}

}  // namespace keyform
