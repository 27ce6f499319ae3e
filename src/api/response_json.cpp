#include "api/response_json.h"

#include <algorithm>

#include "core/escape.h"

namespace keyform::response_json {

json parse_json(std::string_view body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw ResponseError("response is not valid JSON");
  // ?envelope=true wraps single objects as {"status": N, "content": {...}}; lists keep their shape.
  if (doc.is_object() && doc.contains("content") && doc.contains("status") && doc.size() == 2) {
    return doc["content"];
  }
  return doc;
}

std::string string_field(const json& object, const char* name, bool required) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) throw ResponseError(std::string("missing field \"") + name + "\"");
    return {};
  }
  if (!it->is_string()) throw ResponseError(std::string("field \"") + name + "\" is not a string");
  return it->get<std::string>();
}

std::vector<std::string> string_set(const json& object, const char* name, const std::string& owner) {
  std::vector<std::string> values;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return values;
  if (!it->is_array()) throw ResponseError(owner + ": \"" + name + "\" is not an array");
  for (const auto& value : *it) {
    if (!value.is_string()) throw ResponseError(owner + ": an item of \"" + name + "\" is not a string");
    values.push_back(value.get<std::string>());
  }
  sort_unique(values);
  return values;
}

void sort_unique(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace keyform::response_json
