#include "sandbox/routes.h"

#include "sandbox/ids.h"
#include "sandbox/reply.h"
#include "sandbox/text.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <vector>

namespace keyform::sandbox {
namespace {

enum class Families { all, v2_only, v1_only };

struct Rule {
  std::string_view pattern;  // {O}, {G}, {K}, {E} capture one path segment
  std::string_view method;
  Operation operation;
  Families families = Families::all;
};

constexpr std::array<Rule, 15> rules{{
    {"/orgs/{O}/apiKeys", "GET", Operation::list_org_keys},
    {"/orgs/{O}/apiKeys", "POST", Operation::create_org_key},
    {"/orgs/{O}/apiKeys/{K}", "GET", Operation::get_org_key},
    {"/orgs/{O}/apiKeys/{K}", "DELETE", Operation::delete_org_key},
    {"/orgs/{O}/apiKeys/{K}", "PATCH", Operation::update_org_key},
    {"/orgs/{O}/apiKeys/{K}/accessList", "GET", Operation::list_access_list},
    {"/orgs/{O}/apiKeys/{K}/accessList", "POST", Operation::add_access_entries},
    {"/orgs/{O}/apiKeys/{K}/accessList/{E}", "GET", Operation::get_access_entry},
    {"/orgs/{O}/apiKeys/{K}/accessList/{E}", "DELETE", Operation::delete_access_entry},
    {"/orgs/{O}/groups", "GET", Operation::list_org_projects},
    {"/groups/{G}/apiKeys", "GET", Operation::list_project_keys},
    {"/groups/{G}/apiKeys/{K}", "POST", Operation::assign_key, Families::v2_only},
    {"/groups/{G}/apiKeys/{K}", "PATCH", Operation::update_key_roles, Families::v2_only},
    {"/groups/{G}/apiKeys/{K}", "PATCH", Operation::set_key_roles, Families::v1_only},
    {"/groups/{G}/apiKeys/{K}", "DELETE", Operation::unassign_key},
}};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.starts_with('/')) return segments;
  for (std::size_t start = 1;;) {
    std::size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash - start));
    if (slash == std::string_view::npos) return segments;
    start = slash + 1;
  }
}

bool in_family(const Rule& rule, const Family& family) {
  return rule.families == Families::all || (rule.families == Families::v2_only) == family.versioned;
}

// Fills the captures into `route` when the segments fit the pattern's shape.
bool match_shape(std::string_view pattern, const std::vector<std::string_view>& segments,
                 Route& route) {
  auto parts = split_path(pattern);
  if (parts.size() != segments.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].starts_with('{') && segments[i].empty()) return false;  // "/apiKeys/" names no key
    const std::string segment = percent_decode(segments[i]);
    if (parts[i] == "{O}") {
      route.org_id = segment;
    } else if (parts[i] == "{G}") {
      route.project_id = segment;
    } else if (parts[i] == "{K}") {
      route.key_id = segment;
    } else if (parts[i] == "{E}") {
      route.entry = segments[i];
    } else if (parts[i] != segment) {
      return false;
    }
  }
  return true;
}

void require_id(const std::string& value, std::string_view attribute) {
  if (!value.empty() && !is_object_id(value)) {
    throw ApiError(
        400, "INVALID_ATTRIBUTE",
        fmt::format("Invalid attribute {} specified: \"{}\" is not 24 lowercase hex digits.",
                    attribute, value),
        {std::string(attribute)});
  }
}

Route validated(Route route) {
  require_id(route.org_id, "orgId");
  require_id(route.project_id, "groupId");
  require_id(route.key_id, "apiUserId");
  return route;
}

std::string allowed_methods(std::string_view pattern, const Family& family) {
  std::string allow;
  for (const Rule& rule : rules) {
    if (rule.pattern == pattern && in_family(rule, family)) {
      allow += (allow.empty() ? "" : ", ") + std::string(rule.method);
    }
  }
  return allow;
}

[[noreturn]] void bad_parameter(const std::string& name, const std::string& detail) {
  throw ApiError(400, "INVALID_QUERY_PARAMETER",
                 fmt::format("Invalid query parameter {}: {}", name, detail), {name});
}

long long integer_parameter(const std::string& name, const std::string& value, long long min,
                            long long max) {
  long long number = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size() || number < min || number > max) {
    bad_parameter(name, fmt::format("\"{}\" is not an integer from {} to {}.", value, min, max));
  }
  return number;
}

bool boolean_parameter(const std::string& name, const std::string& value) {
  if (value != "true" && value != "false") {
    bad_parameter(name, fmt::format("\"{}\" is not true or false.", value));
  }
  return value == "true";
}

}  // namespace

Route match_route(const Family& family, std::string_view method, std::string_view rest) {
  const auto segments = split_path(rest);
  for (const Rule& rule : rules) {
    Route route{rule.operation, {}, {}, {}, {}};
    if (!match_shape(rule.pattern, segments, route)) continue;
    for (const Rule& candidate : rules) {
      if (candidate.pattern == rule.pattern && candidate.method == method &&
          in_family(candidate, family)) {
        route.operation = candidate.operation;
        return validated(route);
      }
    }
    std::string allow = allowed_methods(rule.pattern, family);
    throw ApiError(405, "METHOD_NOT_ALLOWED",
                   fmt::format("{} {}{} is not supported by this API (allowed: {}).", method,
                               family.base_path, rest, allow),
                   {}, {{"Allow", allow}});
  }
  throw ApiError(404, "RESOURCE_NOT_FOUND",
                 fmt::format("Cannot find resource {}{}.", family.base_path, rest));
}

Query parse_query(const QueryParams& params, const Family& family, Operation operation) {
  Query query;
  for (const auto& [name, value] : params) {
    if (params.count(name) > 1) bad_parameter(name, "given more than once.");
    if (name == "pageNum") {
      query.page.page_num = integer_parameter(name, value, 1, 1'000'000'000);
    } else if (name == "itemsPerPage") {
      query.page.items_per_page = integer_parameter(name, value, 1, family.max_items_per_page);
    } else if (name == "includeCount") {
      query.page.include_count = boolean_parameter(name, value);
    } else if (name == "envelope" || name == "pretty") {
      boolean_parameter(name, value);
    } else if (name == "name" && operation == Operation::list_org_projects) {
      query.name = value;
    } else {
      bad_parameter(name, "not a parameter of this resource.");
    }
  }
  return query;
}

Format read_format(const QueryParams& params) {
  auto is_true = [&](const char* name) {
    auto it = params.find(name);
    return it != params.end() && it->second == "true";
  };
  return Format{is_true("envelope"), is_true("pretty")};
}

}  // namespace keyform::sandbox
