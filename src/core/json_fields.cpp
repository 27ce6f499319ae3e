#include "core/json_fields.h"

#include <set>

#include "core/escape.h"
#include "core/fingerprint.h"
#include "core/ids.h"

namespace keyform::json_fields {

void bad(const std::string& path, const std::string& what) { throw PlanJsonError(path + " " + what); }

const char* type_name(const json& value) {
  if (value.is_object()) return "an object";
  if (value.is_array()) return "an array";
  if (value.is_string()) return "a string";
  if (value.is_boolean()) return "a boolean";
  if (value.is_number()) return "a number";
  return "null";
}

void only_fields(const json& object, const std::string& path, std::initializer_list<const char*> allowed) {
  for (const auto& [name, _] : object.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || name == a;
    if (!known) bad(path, "has an unknown field \"" + escape_text(name) + "\"");
  }
}

const json& member(const json& object, const std::string& path, const char* name) {
  auto it = object.find(name);
  if (it == object.end()) bad(path, std::string("has no \"") + name + "\"");
  return *it;
}

const json& object_at(const json& parent, const std::string& path, const char* name) {
  const json& value = member(parent, path, name);
  if (!value.is_object()) bad(path + "." + name, std::string("is ") + type_name(value) + ", expected an object");
  return value;
}

const json& array_at(const json& parent, const std::string& path, const char* name) {
  const json& value = member(parent, path, name);
  if (!value.is_array()) bad(path + "." + name, std::string("is ") + type_name(value) + ", expected an array");
  return value;
}

std::string string_at(const json& parent, const std::string& path, const char* name) {
  const json& value = member(parent, path, name);
  if (!value.is_string()) bad(path + "." + name, std::string("is ") + type_name(value) + ", expected a string");
  return value.get<std::string>();
}

std::string nonempty_string_at(const json& parent, const std::string& path, const char* name) {
  std::string text = string_at(parent, path, name);
  if (text.empty()) bad(path + "." + name, "is empty");
  return text;
}

std::string id_at(const json& parent, const std::string& path, const char* name) {
  std::string id = string_at(parent, path, name);
  if (!is_object_id(id)) bad(path + "." + name, "is not an id (24 lowercase hex digits)");
  return id;
}

std::string hash_at(const json& parent, const std::string& path, const char* name) {
  std::string hash = string_at(parent, path, name);
  if (!is_sha256_hex(hash)) bad(path + "." + name, "is not a SHA-256 (64 lowercase hex digits)");
  return hash;
}

std::vector<std::string> roles_at(const json& parent, const std::string& path, const char* name,
                                  bool (*is_role)(std::string_view), const char* what) {
  const json& value = array_at(parent, path, name);
  const std::string where = path + "." + name;
  std::vector<std::string> roles;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = where + "[" + std::to_string(i) + "]";
    if (!value[i].is_string()) bad(at, std::string("is ") + type_name(value[i]) + ", expected a role");
    std::string role = value[i].get<std::string>();
    if (!is_role(role)) bad(at, std::string("is not ") + what);
    if (!seen.insert(role).second) bad(at, "repeats " + role);
    roles.push_back(std::move(role));
  }
  return roles;
}

}  // namespace keyform::json_fields
