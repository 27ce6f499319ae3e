// The strict JSON reading every response parser shares: a body that is not what the API
// documents raises ResponseError (api/responses.h) naming the field, never half-understood.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/responses.h"

namespace keyform::response_json {

using nlohmann::json;

// The document, unwrapped from an ?envelope=true {"status", "content"} when it is one.
json parse_json(std::string_view body);

// A string field; "" when absent or null and not required.
std::string string_field(const json& object, const char* name, bool required = true);

// An array of strings (absent or null: empty), sorted and unique; `owner` names the item in messages.
std::vector<std::string> string_set(const json& object, const char* name, const std::string& owner);

void sort_unique(std::vector<std::string>& names);

// {"results": [objects], "totalCount": N (optional)}, each result read by `parse_item`.
template <typename T, typename ParseItem>
Page<T> parse_page(std::string_view body, ParseItem parse_item) {
  json doc = parse_json(body);
  if (!doc.is_object()) throw ResponseError("list response is not a JSON object");
  auto results = doc.find("results");
  if (results == doc.end() || !results->is_array()) {
    throw ResponseError("list response has no \"results\" array");
  }
  Page<T> page;
  page.items.reserve(results->size());
  for (const auto& item : *results) {
    if (!item.is_object()) throw ResponseError("a list item is not a JSON object");
    page.items.push_back(parse_item(item));
  }
  if (auto total = doc.find("totalCount"); total != doc.end()) {
    if (!total->is_number_integer() || total->get<long>() < 0) {
      throw ResponseError("\"totalCount\" is not a non-negative integer");
    }
    page.total_count = total->get<long>();
  }
  return page;
}

}  // namespace keyform::response_json
