#include "sandbox/rate_limits.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 4> scope_names{"ORGANIZATION", "GROUP", "USER", "IP"};
constexpr std::array<std::string_view, 5> methods{"GET", "POST", "PUT", "DELETE", "PATCH"};
constexpr std::array<std::string_view, 3> base_paths{"/api/atlas/v2/", "/api/atlas/v1.0/",
                                                     "/api/public/v1.0/"};
constexpr std::size_t max_endpoints = 100;  // the schema's maxItems

// Where in the file: "entry 2" or "entry 2 (\"orgWrites\")", 1-based like a person counts.
std::string entry_label(std::size_t index, const json& entry) {
  const auto id = entry.is_object() ? entry.find("endpointSetId") : entry.end();
  if (id == entry.end() || !id->is_string()) return fmt::format("entry {}", index + 1);
  return fmt::format("entry {} (\"{}\")", index + 1, id->get<std::string>());
}

struct EntryError {
  std::string field;
  std::string problem;
};

[[noreturn]] void bad(std::string field, std::string problem) {
  throw EntryError{std::move(field), std::move(problem)};
}

std::vector<std::string_view> segments_of(std::string_view path) {
  std::vector<std::string_view> out;
  for (std::size_t start = 1; start <= path.size();) {
    const std::size_t slash = std::min(path.find('/', start), path.size());
    out.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

// A template segment: literal, or prefix{name}suffix with one placeholder.
struct SegmentPattern {
  std::string_view prefix;
  std::string_view suffix;
  bool placeholder = false;
};

std::optional<SegmentPattern> segment_pattern(std::string_view segment) {
  const std::size_t open = segment.find('{');
  const std::size_t close = segment.find('}');
  if (open == std::string_view::npos && close == std::string_view::npos) {
    return SegmentPattern{segment, {}, false};
  }
  if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2 ||
      segment.find_first_of("{}", close + 1) != std::string_view::npos ||
      segment.find('{', open + 1) < close) {
    return std::nullopt;
  }
  return SegmentPattern{segment.substr(0, open), segment.substr(close + 1), true};
}

bool segment_matches(const SegmentPattern& pattern, std::string_view segment) {
  if (!pattern.placeholder) return segment == pattern.prefix;
  return segment.size() > pattern.prefix.size() + pattern.suffix.size() &&
         segment.starts_with(pattern.prefix) && segment.ends_with(pattern.suffix);
}

void check_template(std::string_view path) {
  const bool known = std::any_of(base_paths.begin(), base_paths.end(),
                                 [&](std::string_view base) { return path.starts_with(base); });
  if (!known) bad("path", fmt::format("\"{}\" is not under /api/atlas/v2, /api/atlas/v1.0 or "
                                      "/api/public/v1.0", path));
  for (std::string_view segment : segments_of(path)) {
    if (segment.empty() || !segment_pattern(segment)) {
      bad("path", fmt::format("\"{}\" has an empty segment or a malformed {{name}} in \"{}\"",
                              path, segment));
    }
  }
}

const json& member(const json& object, const std::string& name) {
  const auto it = object.find(name);
  if (it == object.end()) bad(name, "missing");
  return *it;
}

void only_fields(const json& object, std::initializer_list<std::string_view> allowed,
                 const std::string& where) {
  for (const auto& [name, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      bad(where + name, "unknown field");
    }
  }
}

std::string text_field(const json& object, const std::string& name) {
  const json& value = member(object, name);
  if (!value.is_string() || value.get<std::string>().empty()) bad(name, "expected a non-empty string");
  return value.get<std::string>();
}

std::int64_t positive(const json& value, const std::string& field) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 1) {
    bad(field, fmt::format("expected a positive integer, got {}", value.dump()));
  }
  return value.get<std::int64_t>();
}

RateLimitValue rate_value(const json& object, const std::string& name) {
  const json& value = member(object, name);
  if (!value.is_object()) bad(name, "expected an object {\"value\": N}");
  only_fields(value, {"value", "defaultValue"}, name + ".");
  RateLimitValue out{positive(member(value, "value"), name + ".value"), std::nullopt};
  const auto fallback = value.find("defaultValue");
  if (fallback != value.end() && !fallback->is_null()) {
    out.default_value = positive(*fallback, name + ".defaultValue");
  }
  return out;
}

RateLimitScope scope_field(const json& object) {
  const std::string name = text_field(object, "scope");
  for (std::size_t i = 0; i < scope_names.size(); ++i) {
    if (scope_names[i] == name) return static_cast<RateLimitScope>(i);
  }
  bad("scope", fmt::format("\"{}\" is not one of ORGANIZATION, GROUP, USER, IP", name));
}

RateLimitEndpoint endpoint_field(const json& value, std::size_t index) {
  const std::string where = fmt::format("endpoints[{}].", index);
  if (!value.is_object()) {
    bad(fmt::format("endpoints[{}]", index), "expected an object {\"method\", \"path\"}");
  }
  only_fields(value, {"method", "path"}, where);
  try {
    RateLimitEndpoint endpoint{text_field(value, "method"), text_field(value, "path")};
    if (std::find(methods.begin(), methods.end(), endpoint.method) == methods.end()) {
      bad("method", fmt::format("\"{}\" is not one of GET, POST, PUT, DELETE, PATCH",
                                endpoint.method));
    }
    check_template(endpoint.path);
    return endpoint;
  } catch (EntryError& error) {
    error.field = where + error.field;
    throw;
  }
}

std::vector<RateLimitEndpoint> endpoints_field(const json& object) {
  const json& list = member(object, "endpoints");
  if (!list.is_array() || list.empty() || list.size() > max_endpoints) {
    bad("endpoints", "expected an array of 1 to 100 {\"method\", \"path\"} objects");
  }
  std::vector<RateLimitEndpoint> out;
  for (std::size_t i = 0; i < list.size(); ++i) out.push_back(endpoint_field(list[i], i));
  return out;
}

EndpointSet endpoint_set(const json& entry) {
  if (!entry.is_object()) bad("", "expected an object");
  only_fields(entry, {"endpointSetId", "endpointSetName", "scope", "endpoints", "capacity",
                      "refillRate", "refillDurationSeconds"}, "");
  return EndpointSet{text_field(entry, "endpointSetId"), text_field(entry, "endpointSetName"),
                     scope_field(entry), endpoints_field(entry), rate_value(entry, "capacity"),
                     rate_value(entry, "refillRate"), rate_value(entry, "refillDurationSeconds")};
}

std::string error_text(const std::string& label, const EntryError& error) {
  if (error.field.empty()) return fmt::format("rate limits {}: {}", label, error.problem);
  return fmt::format("rate limits {}: {}: {}", label, error.field, error.problem);
}

json rate_value_json(const RateLimitValue& value) {
  json out = {{"value", value.value}};
  if (value.default_value) out["defaultValue"] = *value.default_value;
  return out;
}

// The segment after `collection` ("orgs", "groups") in the path, "" when there is none.
std::string id_after(std::string_view path, std::string_view collection) {
  const auto segments = segments_of(path);
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i] == collection && !segments[i + 1].empty()) return std::string(segments[i + 1]);
  }
  return "";
}

}  // namespace

std::string_view scope_name(RateLimitScope scope) {
  return scope_names[static_cast<std::size_t>(scope)];
}

BucketLimits EndpointSet::limits() const {
  return {capacity.value, refill_rate.value, std::chrono::seconds(refill_duration_seconds.value)};
}

std::vector<EndpointSet> parse_rate_limits(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) throw RateLimitsError("rate limits: not valid JSON");
  if (!doc.is_array()) throw RateLimitsError("rate limits: expected a JSON array of endpoint sets");
  std::vector<EndpointSet> sets;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    try {
      sets.push_back(endpoint_set(doc[i]));
      if (!ids.insert(sets.back().id).second) bad("endpointSetId", "used by an earlier entry");
    } catch (const EntryError& error) {
      throw RateLimitsError(error_text(entry_label(i, doc[i]), error));
    }
  }
  return sets;
}

std::vector<EndpointSet> load_rate_limits(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw RateLimitsError(fmt::format("{}: cannot read the rate limits file", path));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_rate_limits(text.str());
  } catch (const RateLimitsError& error) {
    throw RateLimitsError(fmt::format("{}: {}", path, error.what()));
  }
}

json endpoint_set_json(const EndpointSet& set) {
  json endpoints = json::array();
  for (const RateLimitEndpoint& e : set.endpoints) {
    endpoints.push_back({{"method", e.method}, {"path", e.path}});
  }
  return {{"endpointSetId", set.id},
          {"endpointSetName", set.name},
          {"scope", scope_name(set.scope)},
          {"endpoints", std::move(endpoints)},
          {"capacity", rate_value_json(set.capacity)},
          {"refillRate", rate_value_json(set.refill_rate)},
          {"refillDurationSeconds", rate_value_json(set.refill_duration_seconds)}};
}

bool matches_template(std::string_view path_template, std::string_view path) {
  const auto parts = segments_of(path_template);
  const auto segments = segments_of(path);
  if (parts.size() != segments.size()) return false;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto pattern = segment_pattern(parts[i]);
    if (!pattern || !segment_matches(*pattern, segments[i])) return false;
  }
  return true;
}

std::string scope_key(const EndpointSet& set, std::string_view path, const Caller& caller) {
  switch (set.scope) {
    case RateLimitScope::organization: {
      std::string org = id_after(path, "orgs");
      return org.empty() ? caller.fixture_org : org;
    }
    case RateLimitScope::group: return id_after(path, "groups");
    case RateLimitScope::user: return caller.principal;
    case RateLimitScope::ip: return caller.address;
  }
  return "";
}

RateLimiter::RateLimiter(std::vector<EndpointSet> sets, std::function<Clock::time_point()> now)
    : sets_(std::move(sets)), now_(std::move(now)) {}

const EndpointSet* RateLimiter::meter_of(std::string_view method, std::string_view path) const {
  for (const EndpointSet& set : sets_) {
    for (const RateLimitEndpoint& endpoint : set.endpoints) {
      if (endpoint.method == method && matches_template(endpoint.path, path)) return &set;
    }
  }
  return nullptr;
}

std::optional<Admission> RateLimiter::admit(std::string_view method, std::string_view path,
                                            const Caller& caller) {
  const EndpointSet* set = meter_of(method, path);
  if (!set) return std::nullopt;
  std::lock_guard lock(mutex_);
  const Clock::time_point now = now_();  // under the lock, so a bucket never sees time go back
  auto key = std::make_pair(set->id, scope_key(*set, path, caller));
  auto it = buckets_.find(key);
  if (it == buckets_.end()) it = buckets_.emplace(std::move(key), TokenBucket(set->limits(), now)).first;
  return Admission{set->id, set->capacity.value, it->second.take(now)};
}

}  // namespace keyform::sandbox
