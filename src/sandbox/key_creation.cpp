#include "sandbox/key_creation.h"

#include "sandbox/operation_kit.h"
#include "sandbox/random.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

// Draws until `taken` says no: collisions are astronomically rare, but a duplicate id or public
// key would make two keys answer to one name.
template <typename Draw, typename Taken>
std::string unused(Draw draw, Taken taken) {
  for (;;) {
    std::string candidate = draw();
    if (!taken(candidate)) return candidate;
  }
}

std::string uuid_shaped(const std::string& hex) {
  return fmt::format("{}-{}-{}-{}-{}", hex.substr(0, 8), hex.substr(8, 4), hex.substr(12, 4),
                     hex.substr(16, 4), hex.substr(20, 12));
}

// The key's own URL: the request's URL (the collection, perhaps with a query) plus its id.
std::string key_href(std::string_view collection_href, const std::string& id) {
  return fmt::format("{}/{}", collection_href.substr(0, collection_href.find('?')), id);
}

}  // namespace

KeyRequest parse_key_request(std::string_view body) {
  const json parsed = parse_body(body);
  if (!parsed.is_object()) {
    throw ApiError(400, "INVALID_JSON", R"(Expected a JSON object {"desc": ..., "roles": [...]}.)");
  }
  for (const auto& [name, value] : parsed.items()) {
    if (name != "desc" && name != "roles") bad_attribute(name, "unknown attribute.");
  }
  if (!parsed.contains("desc")) missing_attribute("desc");
  if (!parsed.contains("roles")) missing_attribute("roles");
  return KeyRequest{desc_value(parsed.at("desc")), org_roles_value(parsed.at("roles"))};
}

Credentials new_credentials(const OrgState& state) {
  Credentials credentials;
  credentials.id = unused([] { return random_hex(12); },
                          [&](const std::string& id) { return state.find_key(id) != nullptr; });
  credentials.public_key =
      unused([] { return random_lowercase_letters(8); },
             [&](const std::string& key) { return state.find_key_by_public_key(key) != nullptr; });
  credentials.private_key = uuid_shaped(random_hex(16));
  return credentials;
}

Reply create_key(OrgState& state, const Call& call) {
  KeyRequest request = parse_key_request(call.body);
  Credentials credentials = new_credentials(state);
  ApiKey key;
  key.id = credentials.id;
  key.public_key = credentials.public_key;
  key.private_key = credentials.private_key;
  key.desc = std::move(request.desc);
  key.org_roles = std::move(request.org_roles);
  state.keys.push_back(std::move(key));
  json details = key_json(state, state.keys.back());
  details["privateKey"] = credentials.private_key;  // the one answer that shows it
  const std::string href = key_href(call.self_href, credentials.id);
  details["links"] = json::array({{{"rel", "self"}, {"href", href}}});
  return ok(call, std::move(details));
}

}  // namespace keyform::sandbox
