// The project and organization role names MongoDB documents (../shared/reference/atlas-api-keys.md). The service,
// not keyform, decides which roles exist, so an undocumented name is a warning, never an error:
// it catches a typo such as GROUP_READ_ONYL at plan time instead of as a 400 halfway through apply.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ids.h"  // is_org_role, is_project_role

namespace keyform {

const std::vector<std::string_view>& documented_project_roles();

bool is_documented_project_role(std::string_view role);

// The documented role closest to `role` when it is a likely typo (a few edits away), else nothing.
std::optional<std::string_view> closest_documented_role(std::string_view role);

// "role \"GROUP_READ_ONYL\" is not a documented project role (did you mean GROUP_READ_ONLY?); the
// API may refuse it". Nothing for a documented role.
std::optional<std::string> undocumented_role_warning(std::string_view role);

// The org roles the v2 spec enumerates (atlas-key-lifecycle.md section 2).
const std::vector<std::string_view>& documented_org_roles();

bool is_documented_org_role(std::string_view role);

// The documented org role closest to `role` when it is a likely typo, else nothing.
std::optional<std::string_view> closest_documented_org_role(std::string_view role);

// As undocumented_role_warning, for an organization role ("... is not a documented organization
// role (did you mean ORG_MEMBER?) ...").
std::optional<std::string> undocumented_org_role_warning(std::string_view role);

}  // namespace keyform
