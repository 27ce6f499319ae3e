// The reading of every listing (keys, projects, access lists, service accounts, rate limits) and of
// one key or service account, with
// simdjson: at 10 000 keys these pages are megabytes, and nlohmann's tree of std::maps took a
// fifth of a plan's CPU to build and free. Same rules as api/response_json.h: a body that is not
// what the API documents raises ResponseError naming the field, never half-understood.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/responses.h"

namespace keyform::page_json {

using simdjson::dom::element;
using simdjson::dom::object;

// The document (owned by `parser`), unwrapped from an ?envelope=true {"status", "content"}.
element parse_json(simdjson::dom::parser& parser, std::string_view body);

// A string field; "" when absent or null and not required.
std::string string_field(object item, const char* name, bool required = true);

// An array of strings (absent or null: empty), sorted and unique; `owner` names the item in messages.
std::vector<std::string> string_set(object item, const char* name, const std::string& owner);

// {"results": [objects], "totalCount": N (optional)}, each result read by `parse_item(object)`.
template <typename T, typename ParseItem>
Page<T> parse_page(std::string_view body, ParseItem parse_item) {
  simdjson::dom::parser parser;
  object doc;
  if (parse_json(parser, body).get_object().get(doc)) throw ResponseError("list response is not a JSON object");
  simdjson::dom::array results;
  if (doc["results"].get_array().get(results)) throw ResponseError("list response has no \"results\" array");
  Page<T> page;
  page.items.reserve(results.size());
  for (element result : results) {
    object item;
    if (result.get_object().get(item)) throw ResponseError("a list item is not a JSON object");
    page.items.push_back(parse_item(item));
  }
  element total;
  if (!doc["totalCount"].get(total)) {
    std::int64_t count = 0;
    if (total.get_int64().get(count) || count < 0) throw ResponseError("\"totalCount\" is not a non-negative integer");
    page.total_count = count;
  }
  return page;
}

}  // namespace keyform::page_json
