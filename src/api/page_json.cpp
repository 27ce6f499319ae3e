#include "api/page_json.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "api/response_json.h"
#include "core/escape.h"

namespace keyform::page_json {

namespace {

// JSON leaves a repeated member name to the reader (simdjson keeps the first, nlohmann the last), so a
// body that names "id" or "roles" twice would be read one way here and another way by a proxy, a log
// viewer or the console. Such a body is refused rather than guessed at. Names are compared unescaped,
// so "id" and "\u0069d" are the same member.
void require_unique_members(element value, std::vector<std::string_view>& names) {
  if (value.is_array()) {
    for (element entry : simdjson::dom::array(value)) require_unique_members(entry, names);
    return;
  }
  if (!value.is_object()) return;
  const std::size_t first = names.size();
  for (auto member : simdjson::dom::object(value)) names.push_back(member.key);
  std::sort(names.begin() + first, names.end());
  const auto repeated = std::adjacent_find(names.begin() + first, names.end());
  if (repeated != names.end()) {
    throw ResponseError("a JSON object has the member \"" + escape_text(*repeated) + "\" twice");
  }
  names.resize(first);
  for (auto member : simdjson::dom::object(value)) require_unique_members(member.value, names);
}

}  // namespace

element parse_json(simdjson::dom::parser& parser, std::string_view body) {
  element doc;
  // realloc_if_needed: the body's buffer has no simdjson padding, so the parser reads a padded copy.
  if (parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(doc)) {
    throw ResponseError("response is not valid JSON");
  }
  std::vector<std::string_view> names;
  require_unique_members(doc, names);
  // ?envelope=true wraps single objects as {"status": N, "content": {...}}; lists keep their shape.
  object wrapper;
  element content, status;
  if (!doc.get_object().get(wrapper) && wrapper.size() == 2 && !wrapper["content"].get(content) &&
      !wrapper["status"].get(status)) {
    return content;
  }
  return doc;
}

std::string string_field(object item, const char* name, bool required) {
  element value;
  if (item[name].get(value) || value.is_null()) {
    if (required) throw ResponseError(std::string("missing field \"") + name + "\"");
    return {};
  }
  std::string_view text;
  if (value.get_string().get(text)) throw ResponseError(std::string("field \"") + name + "\" is not a string");
  return std::string(text);
}

std::vector<std::string> string_set(object item, const char* name, const std::string& owner) {
  std::vector<std::string> values;
  element value;
  if (item[name].get(value) || value.is_null()) return values;
  simdjson::dom::array array;
  if (value.get_array().get(array)) throw ResponseError(owner + ": \"" + name + "\" is not an array");
  for (element entry : array) {
    std::string_view text;
    if (entry.get_string().get(text)) throw ResponseError(owner + ": an item of \"" + name + "\" is not a string");
    values.emplace_back(text);
  }
  response_json::sort_unique(values);
  return values;
}

}  // namespace keyform::page_json
