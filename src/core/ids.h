// Shapes of the identifiers the Admin API uses; checked offline before any request.
#pragma once

#include <string_view>

namespace keyform {

// Org, project and key ids: exactly 24 lowercase hex digits.
bool is_object_id(std::string_view text);

// A project role the service could accept: "GROUP_" followed by capitals and underscores.
bool is_project_role(std::string_view text);

// An organization role the service could accept: "ORG_" followed by capitals and underscores.
bool is_org_role(std::string_view text);

}  // namespace keyform

