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

enum class Families { all, v2_only, v1_only, service_accounts };

struct Rule {
  std::string_view pattern;  // {O}, {G}, {K}, {E}, {C}, {S} capture one path segment; "{C}:invite"
                             // captures the segment before the suffix
  std::string_view method;
  Operation operation;
  Families families = Families::all;
};

constexpr auto sa = Families::service_accounts;

constexpr std::array<Rule, 30> rules{{
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
    {"/orgs/{O}/serviceAccounts", "GET", Operation::list_org_service_accounts, sa},
    {"/orgs/{O}/serviceAccounts", "POST", Operation::create_service_account, sa},
    {"/orgs/{O}/serviceAccounts/{C}", "GET", Operation::get_service_account, sa},
    {"/orgs/{O}/serviceAccounts/{C}", "PATCH", Operation::update_service_account, sa},
    {"/orgs/{O}/serviceAccounts/{C}", "DELETE", Operation::delete_service_account, sa},
    {"/orgs/{O}/serviceAccounts/{C}/groups", "GET", Operation::list_service_account_projects, sa},
    {"/orgs/{O}/serviceAccounts/{C}/secrets", "POST", Operation::create_service_account_secret, sa},
    {"/orgs/{O}/serviceAccounts/{C}/secrets/{S}", "DELETE",
     Operation::delete_service_account_secret, sa},
    {"/orgs/{O}/serviceAccounts/{C}/accessList", "GET",
     Operation::list_service_account_access_list, Families::v2_only},
    {"/orgs/{O}/serviceAccounts/{C}/accessList", "POST",
     Operation::add_service_account_access_entries, Families::v2_only},
    {"/orgs/{O}/serviceAccounts/{C}/accessList/{E}", "DELETE",
     Operation::delete_service_account_access_entry, Families::v2_only},
    {"/groups/{G}/serviceAccounts", "GET", Operation::list_project_service_accounts, sa},
    // Before "/groups/{G}/serviceAccounts/{C}", whose {C} would take "...:invite" whole.
    {"/groups/{G}/serviceAccounts/{C}:invite", "POST", Operation::invite_service_account, sa},
    {"/groups/{G}/serviceAccounts/{C}", "PATCH", Operation::update_project_service_account, sa},
    {"/groups/{G}/serviceAccounts/{C}", "DELETE", Operation::unassign_service_account, sa},
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
  if (rule.families == Families::service_accounts) return family.service_accounts;
  return rule.families == Families::all || (rule.families == Families::v2_only) == family.versioned;
}

// A capture with a literal suffix ("{C}:invite"): the segment must end with the suffix (after
// percent-decoding, so ":" may come as %3A) and something must come before it.
bool take_suffix(std::string_view& part, std::string& segment) {
  const std::size_t close = part.find('}');
  if (close == std::string_view::npos || close + 1 == part.size()) return true;
  const std::string_view suffix = part.substr(close + 1);
  if (segment.size() <= suffix.size() || !std::string_view(segment).ends_with(suffix)) return false;
  segment.resize(segment.size() - suffix.size());
  part = part.substr(0, close + 1);
  return true;
}

// Fills the captures into `route` when the segments fit the pattern's shape.
bool match_shape(std::string_view pattern, const std::vector<std::string_view>& segments,
                 Route& route) {
  auto parts = split_path(pattern);
  if (parts.size() != segments.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (parts[i].starts_with('{') && segments[i].empty()) return false;  // "/apiKeys/" names no key
    std::string segment = percent_decode(segments[i]);
    std::string_view part = parts[i];
    if (part.starts_with('{') && !take_suffix(part, segment)) return false;
    if (part == "{C}") {
      route.client_id = segment;
    } else if (part == "{S}") {
      route.secret_id = segment;
    } else if (parts[i] == "{O}") {
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
  if (!route.client_id.empty() && !is_client_id(route.client_id)) {
    throw ApiError(400, "INVALID_ATTRIBUTE",
                   fmt::format("Invalid attribute clientId specified: \"{}\" is not mdb_sa_id_ "
                               "followed by 24 hex digits.",
                               route.client_id),
                   {"clientId"});
  }
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
    Route route{rule.operation, {}, {}, {}, {}, {}, {}};
    if (!match_shape(rule.pattern, segments, route)) continue;
    for (const Rule& candidate : rules) {
      if (candidate.pattern == rule.pattern && candidate.method == method &&
          in_family(candidate, family)) {
        route.operation = candidate.operation;
        return validated(route);
      }
    }
    std::string allow = allowed_methods(rule.pattern, family);
    if (allow.empty()) break;  // the family has no such resource (service accounts on atlas-v1)
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
    } else if (name == "includeSystemManaged" &&
               (operation == Operation::list_org_service_accounts ||
                operation == Operation::list_project_service_accounts)) {
      boolean_parameter(name, value);  // the sandbox has no system-managed accounts to include
    } else {
      bad_parameter(name, "not a parameter of this resource.");
    }
  }
  return query;
}

bool is_service_account_operation(Operation operation) {
  return operation >= Operation::list_org_service_accounts;
}

Format read_format(const QueryParams& params) {
  auto is_true = [&](const char* name) {
    auto it = params.find(name);
    return it != params.end() && it->second == "true";
  };
  return Format{is_true("envelope"), is_true("pretty")};
}

}  // namespace keyform::sandbox
