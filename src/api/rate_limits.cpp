#include "api/rate_limits.h"

#include <algorithm>
#include <cctype>

#include "api/page_json.h"
#include "core/escape.h"

namespace keyform {
namespace {


constexpr std::size_t kMaxEndpoints = 1000;  // the API lists at most 100 per set

std::vector<std::string_view> segments_of(std::string_view path) {
  path = path.substr(0, path.find('?'));
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    const std::size_t end = std::min(path.find('/'), path.size());
    out.push_back(path.substr(0, end));
    path.remove_prefix(end);
  }
  return out;
}

bool segment_matches(std::string_view templ, std::string_view segment) {
  const std::size_t open = templ.find('{');
  const std::size_t close = templ.find('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) return templ == segment;
  const std::string_view prefix = templ.substr(0, open), suffix = templ.substr(close + 1);
  return segment.size() > prefix.size() + suffix.size() && segment.starts_with(prefix) && segment.ends_with(suffix);
}

// The segment that follows `word` in `path` ("groups" -> the project id).
std::optional<std::string> segment_after(std::string_view path, std::string_view word) {
  const std::vector<std::string_view> parts = segments_of(path);
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i] == word) return std::string(parts[i + 1]);
  }
  return std::nullopt;
}

LimitScope scope_named(const std::string& name) {
  if (name == "ORGANIZATION") return LimitScope::organization;
  if (name == "GROUP") return LimitScope::group;
  if (name == "USER") return LimitScope::user;
  if (name == "IP") return LimitScope::ip;
  throw ResponseError("rate limit scope \"" + escape_text(name) + "\" is not ORGANIZATION, GROUP, USER or IP");
}

// {"value": N, "defaultValue": M}: the value in force.
double positive_value(page_json::object set, const char* name) {
  page_json::object field;
  if (set[name].get_object().get(field)) throw ResponseError(std::string("rate limit has no \"") + name + "\" object");
  double value = 0;
  if (field["value"].get_double().get(value) || value <= 0) {
    throw ResponseError(std::string("rate limit \"") + name + ".value\" is not a positive number");
  }
  return value;
}

EndpointSet parse_set(page_json::object item) {
  EndpointSet set;
  set.id = page_json::string_field(item, "endpointSetId");
  set.name = page_json::string_field(item, "endpointSetName", false);
  if (set.name.empty()) set.name = set.id;
  set.scope = scope_named(page_json::string_field(item, "scope"));
  simdjson::dom::array endpoints;
  if (item["endpoints"].get_array().get(endpoints) || endpoints.size() == 0 || endpoints.size() > kMaxEndpoints) {
    throw ResponseError("rate limit " + escape_text(set.id) + " has no \"endpoints\" array of 1 to 1000 items");
  }
  for (page_json::element value : endpoints) {
    page_json::object endpoint;
    if (value.get_object().get(endpoint)) {
      throw ResponseError("an endpoint of rate limit " + escape_text(set.id) + " is not an object");
    }
    set.endpoints.push_back({page_json::string_field(endpoint, "method"), page_json::string_field(endpoint, "path")});
  }
  set.capacity = positive_value(item, "capacity");
  set.refill_per_second = positive_value(item, "refillRate") / positive_value(item, "refillDurationSeconds");
  return set;
}

// Ids, client ids, addresses and CIDRs; not "v2" or "v1.0".
bool holds_id(std::string_view segment) {
  const bool digit = std::any_of(segment.begin(), segment.end(), [](unsigned char c) { return std::isdigit(c); });
  return (digit && segment.size() >= 8) || segment.find('%') != std::string_view::npos;
}

}  // namespace

bool path_matches(std::string_view templ, std::string_view path) {
  const std::vector<std::string_view> want = segments_of(templ), have = segments_of(path);
  if (want.size() != have.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!segment_matches(want[i], have[i])) return false;
  }
  return true;
}

std::optional<std::string> scope_value(LimitScope scope, std::string_view path, const std::string& org_id) {
  switch (scope) {
    case LimitScope::organization: return segment_after(path, "orgs").value_or(org_id);
    case LimitScope::group: return segment_after(path, "groups");
    case LimitScope::user:
    case LimitScope::ip: return std::string();
  }
  return std::nullopt;
}

const EndpointSet* set_for(const std::vector<EndpointSet>& sets, std::string_view method, std::string_view path) {
  for (const auto& set : sets) {
    for (const auto& endpoint : set.endpoints) {
      if ((endpoint.method == "*" || endpoint.method == method) && path_matches(endpoint.path, path)) return &set;
    }
  }
  return nullptr;
}

Page<EndpointSet> parse_rate_limits_page(std::string_view body) {
  return page_json::parse_page<EndpointSet>(body, parse_set);
}

std::string path_template_of(std::string_view path) {
  std::string out;
  for (std::string_view segment : segments_of(path)) {
    out += "/";
    out += holds_id(segment) ? std::string_view("{}") : segment;
  }
  return out.empty() ? "/" : out;
}

}  // namespace keyform
