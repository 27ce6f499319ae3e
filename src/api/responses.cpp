#include "api/responses.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "api/page_json.h"
#include "api/response_json.h"
#include "core/cidr.h"
#include "core/escape.h"

namespace keyform {
namespace {

using nlohmann::json;
using page_json::element;
using page_json::object;
using page_json::parse_page;
using page_json::string_field;
using response_json::sort_unique;

// A key's org roles are its roles in this org named ORG_* (as the Terraform provider reads them);
// an empty org_id accepts any org (a single-key read that does not name one).
LiveKey parse_key(object item, std::string_view org_id) {
  LiveKey key;
  key.id = string_field(item, "id");
  key.public_key = string_field(item, "publicKey");
  key.desc = string_field(item, "desc", false);
  element roles_value;
  if (item["roles"].get(roles_value)) return key;
  simdjson::dom::array roles;
  if (roles_value.get_array().get(roles)) throw ResponseError("key " + escape_text(key.id) + ": \"roles\" is not an array");
  for (element role_value : roles) {
    object role;
    if (role_value.get_object().get(role)) throw ResponseError("key " + escape_text(key.id) + ": a role is not an object");
    std::string group = string_field(role, "groupId", false);
    std::string name = string_field(role, "roleName");
    if (group.empty()) {
      const std::string org = string_field(role, "orgId", false);
      if (name.rfind("ORG_", 0) == 0 && (org_id.empty() || org == org_id)) key.org_roles.push_back(std::move(name));
    } else {
      key.project_roles[group].push_back(std::move(name));
    }
  }
  sort_unique(key.org_roles);
  for (auto& [_, names] : key.project_roles) sort_unique(names);
  return key;
}

LiveProject parse_project(object item) {
  return {string_field(item, "id"), string_field(item, "name")};
}

// An entry may carry cidrBlock, ipAddress or both; either names the same network.
AccessEntry parse_access_entry(object item) {
  std::string text = string_field(item, "cidrBlock", false);
  if (text.empty()) text = string_field(item, "ipAddress", false);
  if (text.empty()) throw ResponseError("an access-list entry has neither \"cidrBlock\" nor \"ipAddress\"");
  std::optional<std::string> canonical = canonical_entry(text);
  if (!canonical) throw ResponseError("access-list entry \"" + escape_text(text) + "\" is not an IP address or CIDR block");
  return {*canonical};
}

}  // namespace

Page<LiveKey> parse_keys_page(std::string_view body, std::string_view org_id) {
  return parse_page<LiveKey>(body, [&](object item) { return parse_key(item, org_id); });
}

LiveKey parse_key_response(std::string_view body, std::string_view org_id) {
  simdjson::dom::parser parser;
  object doc;
  if (page_json::parse_json(parser, body).get_object().get(doc)) throw ResponseError("key response is not a JSON object");
  return parse_key(doc, org_id);
}

namespace {

// Masked as later reads show it ("********-****-****-db2c132ca78d"): not a secret anyone can use.
bool looks_redacted(const std::string& private_key) { return private_key.find('*') != std::string::npos; }

void wipe_private_key(json& key) {
  if (!key.is_object()) return;
  auto it = key.find("privateKey");
  if (it != key.end() && it->is_string()) wipe(it->get_ref<std::string&>());
}

}  // namespace

CreatedKey parse_created_key(std::string_view body, std::string_view /*org_id: a created key's roles are the request's*/) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw ResponseError("response is not valid JSON");
  const bool enveloped = doc.is_object() && doc.contains("content") && doc.contains("status") && doc.size() == 2;
  json& item = enveloped ? doc["content"] : doc;
  struct WipeOnExit {
    json& item;
    ~WipeOnExit() { wipe_private_key(item); }
  } wipe_on_exit{item};
  if (!item.is_object()) throw ResponseError("the created key is not a JSON object");
  CreatedKey created;
  created.id = response_json::string_field(item, "id");
  created.public_key = response_json::string_field(item, "publicKey");
  if (created.id.empty() || created.public_key.empty()) throw ResponseError("the created key has no id or publicKey");
  auto secret = item.find("privateKey");
  if (secret == item.end() || !secret->is_string() || secret->get_ref<const std::string&>().empty()) {
    throw ResponseError("the created key " + escape_text(created.id) + " comes without its \"privateKey\"");
  }
  if (looks_redacted(secret->get_ref<const std::string&>())) {
    throw ResponseError("the created key " + escape_text(created.id) + " comes with its \"privateKey\" redacted");
  }
  created.private_key = Secret(secret->get<std::string>());
  return created;
}

Page<AccessEntry> parse_access_list_page(std::string_view body) {
  return parse_page<AccessEntry>(body, parse_access_entry);
}

Page<LiveProject> parse_projects_page(std::string_view body) {
  return parse_page<LiveProject>(body, parse_project);
}

ApiErrorBody parse_error_body(std::string_view body) {
  json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return {};
  if (doc.contains("content") && doc["content"].is_object()) doc = doc["content"];
  auto text = [&](const char* name) {
    auto it = doc.find(name);
    return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  ApiErrorBody error{text("errorCode"), text("detail")};
  if (error.error_code.empty() && error.detail.empty()) error = {text("error"), text("error_description")};
  return error;
}

std::optional<long> enveloped_status(std::string_view body) {
  // Most bodies are no envelope; a full parse of every 200 just to find out is a quarter of a
  // large plan's CPU.
  if (body.find("\"status\"") == std::string_view::npos) return std::nullopt;
  const json doc = json::parse(body, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  auto status = doc.find("status");
  if (status == doc.end() || !status->is_number_integer()) return std::nullopt;
  if (!doc.contains("content") && !doc.contains("results")) return std::nullopt;
  return status->get<long>();
}

}  // namespace keyform
