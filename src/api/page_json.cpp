#include "api/page_json.h"

#include "api/response_json.h"

namespace keyform::page_json {

element parse_json(simdjson::dom::parser& parser, std::string_view body) {
  element doc;
  // realloc_if_needed: the body's buffer has no simdjson padding, so the parser reads a padded copy.
  if (parser.parse(body.data(), body.size(), /*realloc_if_needed=*/true).get(doc)) {
    throw ResponseError("response is not valid JSON");
  }
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
