// Shapes of the identifiers the Admin API uses; checked offline before any request.
#pragma once

#include <string_view>

namespace keyform {

// Org, project and key ids: exactly 24 lowercase hex digits.
bool is_object_id(std::string_view text);

// A project role the service could accept: "GROUP_" followed by capitals and underscores.
bool is_project_role(std::string_view text);

}  // namespace keyform

#include <optional>
#include <string>

namespace keyform {

// Why `url` cannot be an Admin API base URL, or nullopt when it can: https always, plain http
// only to a loopback host (the sandbox), and nothing but scheme://host[:port][/path].
std::optional<std::string> base_url_problem(std::string_view url);

}  // namespace keyform
