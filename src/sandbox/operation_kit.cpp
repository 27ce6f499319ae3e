#include "sandbox/operation_kit.h"

#include <fmt/format.h>

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

}  // namespace keyform::sandbox
