// Strict reading of a JSON document keyform wrote (a plan file): each accessor checks presence and
// type and throws PlanJsonError naming the JSON path of the culprit. Anything quoted from the
// document is escaped, so a hostile file cannot put control characters in the message.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/plan_json.h"

namespace keyform::json_fields {

using nlohmann::json;

[[noreturn]] void bad(const std::string& path, const std::string& what);
const char* type_name(const json& value);

// Fails on any field outside `allowed`: a typo or an edit is not silently ignored.
void only_fields(const json& object, const std::string& path, std::initializer_list<const char*> allowed);
const json& member(const json& object, const std::string& path, const char* name);
const json& object_at(const json& parent, const std::string& path, const char* name);
const json& array_at(const json& parent, const std::string& path, const char* name);
std::string string_at(const json& parent, const std::string& path, const char* name);
std::string nonempty_string_at(const json& parent, const std::string& path, const char* name);
std::string id_at(const json& parent, const std::string& path, const char* name);
std::string hash_at(const json& parent, const std::string& path, const char* name);
// An array of unique role names, each accepted by `is_role`; `what` names them in messages.
std::vector<std::string> roles_at(const json& parent, const std::string& path, const char* name,
                                  bool (*is_role)(std::string_view), const char* what);

}  // namespace keyform::json_fields
