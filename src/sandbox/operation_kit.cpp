#include "sandbox/operation_kit.h"

#include "sandbox/ids.h"
#include "sandbox/text.h"

#include <fmt/format.h>

#include <algorithm>

namespace keyform::sandbox {

using nlohmann::json;

Reply ok(const Call& call, json body, int status) {
  return Reply{status, std::move(body), std::string(call.family.media_type), {}};
}

Reply ok(const Call& call, Page page) {
  Reply reply = ok(call, std::move(page.body));
  reply.padding = page.padding;
  return reply;
}

Reply no_body(const Call& call, int status) {
  return Reply{status, std::nullopt, std::string(call.family.media_type), {}};
}

Reply deleted(const Call& call) {
  switch (call.family.delete_style) {
    case DeleteStyle::no_content: return no_body(call, 204);
    case DeleteStyle::empty_object: return ok(call, json::object());
    case DeleteStyle::empty_body: return no_body(call, 200);
  }
  return no_body(call, 204);
}

const ApiKey& require_key(const OrgState& state, const std::string& id) {
  const ApiKey* key = state.find_key(id);
  if (!key) {
    throw ApiError(404, "API_KEY_NOT_FOUND", fmt::format("No API key with ID {} exists.", id),
                   {id});
  }
  return *key;
}

ApiKey& require_key(OrgState& state, const std::string& id) {
  return const_cast<ApiKey&>(require_key(std::as_const(state), id));
}

const Project& require_project(const OrgState& state, const std::string& id) {
  const Project* project = state.find_project(id);
  if (!project) {
    throw ApiError(404, "GROUP_NOT_FOUND", fmt::format("No group with ID {} exists.", id), {id});
  }
  return *project;
}

json parse_body(std::string_view body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) throw ApiError(400, "INVALID_JSON", "Received JSON is malformed.");
  return parsed;
}

void bad_attribute(const std::string& attribute, const std::string& detail) {
  throw ApiError(
      400, "INVALID_JSON_ATTRIBUTE",
      fmt::format("Received JSON for the {} attribute does not match expected format: {}",
                  attribute, detail),
      {attribute});
}

void missing_attribute(const std::string& attribute) {
  throw ApiError(400, "MISSING_ATTRIBUTE",
                 fmt::format("The required attribute {} was not specified.", attribute),
                 {attribute});
}

std::string desc_value(const json& value) {
  const auto* desc = value.get_ptr<const std::string*>();
  if (!desc || desc->empty() || utf8_length(*desc) > 250) {
    bad_attribute("desc", "expected a string of 1 to 250 characters.");
  }
  return *desc;
}

std::vector<std::string> org_roles_value(const json& value) {
  if (!value.is_array()) bad_attribute("roles", "expected an array of role names.");
  if (value.empty()) missing_attribute("roles");
  std::vector<std::string> roles;
  for (const json& role : value) {
    if (!role.is_string()) bad_attribute("roles", "expected an array of role names.");
    const std::string& name = role.get_ref<const std::string&>();
    if (!is_documented_org_role(name)) {
      throw ApiError(400, "INVALID_ENUM_VALUE",
                     fmt::format("An invalid enumeration value {} was specified for roles.",
                                 role.dump()),
                     {name});
    }
    if (std::find(roles.begin(), roles.end(), name) == roles.end()) roles.push_back(name);
  }
  return roles;
}

}  // namespace keyform::sandbox
