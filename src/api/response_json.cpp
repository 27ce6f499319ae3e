#include "api/response_json.h"

#include <algorithm>

namespace keyform::response_json {

std::string string_field(const json& object, const char* name, bool required) {
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) {
    if (required) throw ResponseError(std::string("missing field \"") + name + "\"");
    return {};
  }
  if (!it->is_string()) throw ResponseError(std::string("field \"") + name + "\" is not a string");
  return it->get<std::string>();
}

void sort_unique(std::vector<std::string>& names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
}

}  // namespace keyform::response_json
