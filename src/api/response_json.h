// What the nlohmann-based readers share: the answers that carry a secret (a created key, a
// created service account's secret), which are parsed into a tree whose secret is wiped in place.
// Every other answer is read with simdjson (api/page_json.h).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/responses.h"

namespace keyform::response_json {

using nlohmann::json;

// A string field; "" when absent or null and not required.
std::string string_field(const json& object, const char* name, bool required = true);

void sort_unique(std::vector<std::string>& names);

}  // namespace keyform::response_json
