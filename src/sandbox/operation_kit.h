// What the operation modules (operations.cpp, access_list.cpp) share: a page of a listing shaped by
// its listing fault, success replies per family, request bodies, and lookups that answer 404.
#pragma once

#include "sandbox/fixture.h"
#include "sandbox/listing_faults.h"
#include "sandbox/operations.h"
#include "sandbox/reply.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keyform::sandbox {

struct Page {
  nlohmann::json body;
  std::size_t padding = 0;
};

// One page of `items` (already in listing order), shaped by the call's listing fault if any;
// `to_json` runs only for the items on the page, so a page costs the same however large the org is.
// `synthetic(n)` makes the n-th made-up item some faults add.
template <typename T, typename ToJson, typename Synthetic>
Page page(const std::vector<const T*>& items, const Call& call, ToJson to_json, Synthetic synthetic) {
  const PageShape shape =
      shape_page(static_cast<long long>(items.size()), call.query.page, call.listing_mode);
  nlohmann::json results = nlohmann::json::array();
  for (long long i = shape.first; i < shape.last; ++i) {
    results.push_back(to_json(*items[static_cast<std::size_t>(i)]));
  }
  if (shape.repeat_first) results.push_back(nlohmann::json(results.front()));
  for (long long n = 0; n < shape.synthetic_count; ++n) {
    results.push_back(synthetic(shape.synthetic_first + n));
  }
  nlohmann::json body = {
      {"results", std::move(results)},
      {"links", nlohmann::json::array({{{"rel", "self"}, {"href", call.self_href}}})}};
  if (shape.total_count) body["totalCount"] = *shape.total_count;
  return {std::move(body), shape.padding};
}

Reply ok(const Call& call, nlohmann::json body, int status = 200);
Reply ok(const Call& call, Page page);
Reply no_body(const Call& call, int status);
// The family's answer to a DELETE of a key or an assignment (204, 200 "{}", 200 empty).
Reply deleted(const Call& call);

// 404 API_KEY_NOT_FOUND.
ApiKey& require_key(OrgState& state, const std::string& id);
const ApiKey& require_key(const OrgState& state, const std::string& id);

// 404 GROUP_NOT_FOUND.
const Project& require_project(const OrgState& state, const std::string& id);

// 400 INVALID_JSON when the body is not JSON.
nlohmann::json parse_body(std::string_view body);
// 400 INVALID_JSON_ATTRIBUTE naming the attribute.
[[noreturn]] void bad_attribute(const std::string& attribute, const std::string& detail);
// 400 MISSING_ATTRIBUTE naming the attribute.
[[noreturn]] void missing_attribute(const std::string& attribute);

// A key's "desc": a string of 1 to 250 characters (not bytes). Else 400 INVALID_JSON_ATTRIBUTE.
std::string desc_value(const nlohmann::json& value);
// A key's org "roles": a non-empty array of the documented org roles (ids.h), duplicates dropped,
// order kept. 400 INVALID_JSON_ATTRIBUTE (not an array of strings), MISSING_ATTRIBUTE (empty) or
// INVALID_ENUM_VALUE (naming the role).
std::vector<std::string> org_roles_value(const nlohmann::json& value);

}  // namespace keyform::sandbox
