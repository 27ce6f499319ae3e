#include "api/service_account_responses.h"

#include <nlohmann/json.hpp>

#include "api/page_json.h"
#include "api/response_json.h"
#include "core/escape.h"
#include "util/secret.h"

namespace keyform {
namespace {

using nlohmann::json;
using page_json::element;
using page_json::object;
using page_json::string_set;
using response_json::string_field;

LiveSecret parse_secret(element value, const std::string& owner) {
  object item;
  if (value.get_object().get(item)) throw ResponseError(owner + ": a secret is not an object");
  return {page_json::string_field(item, "id"), page_json::string_field(item, "createdAt", false),
          page_json::string_field(item, "expiresAt")};
}

LiveServiceAccount parse_account(object item) {
  LiveServiceAccount account;
  account.client_id = page_json::string_field(item, "clientId");
  const std::string owner = "service account " + escape_text(account.client_id);
  account.name = page_json::string_field(item, "name", false);
  account.description = page_json::string_field(item, "description", false);
  account.org_roles = string_set(item, "roles", owner);
  element secrets_value;
  if (item["secrets"].get(secrets_value) || secrets_value.is_null()) return account;
  simdjson::dom::array secrets;
  if (secrets_value.get_array().get(secrets)) throw ResponseError(owner + ": \"secrets\" is not an array");
  for (element secret : secrets) account.secrets.push_back(parse_secret(secret, owner));
  return account;
}

RolesIn parse_roles_in(object item, const char* id_field) {
  RolesIn roles_in{page_json::string_field(item, id_field), {}};
  roles_in.roles = string_set(item, "roles", escape_text(roles_in.id));
  return roles_in;
}

// Masked as listings show it ("mdb_sa_sk_****abcd"): not a secret anyone can use.
bool looks_masked(const std::string& secret) { return secret.find('*') != std::string::npos; }

// Wipes the "secret" field of a secret object wherever the parse leaves it.
struct WipeSecretField {
  json* secret = nullptr;
  ~WipeSecretField() {
    if (!secret || !secret->is_object()) return;
    auto it = secret->find("secret");
    if (it != secret->end() && it->is_string()) wipe(it->get_ref<std::string&>());
  }
};

// Not parse_json: the envelope's content is unwrapped in place, so the copy that is wiped is the
// only one.
json& unwrap(json& doc) {
  const bool enveloped = doc.is_object() && doc.contains("content") && doc.contains("status") && doc.size() == 2;
  return enveloped ? doc["content"] : doc;
}

// The secret's id, expiry and value from a ServiceAccountSecret that must carry it in clear.
void take_secret(const json& secret, CreatedSecret& created, const std::string& owner) {
  if (!secret.is_object()) throw ResponseError(owner + ": its secret is not an object");
  created.secret_id = string_field(secret, "id");
  created.expires_at = string_field(secret, "expiresAt");
  auto value = secret.find("secret");
  if (value == secret.end() || !value->is_string() || value->get_ref<const std::string&>().empty()) {
    throw ResponseError(owner + " comes without its secret's value (\"secret\")");
  }
  if (looks_masked(value->get_ref<const std::string&>())) throw ResponseError(owner + " comes with its secret masked");
  std::string copy = value->get<std::string>();
  created.secret = Secret(std::move(copy));
}

}  // namespace

Page<LiveServiceAccount> parse_service_accounts_page(std::string_view body) {
  return page_json::parse_page<LiveServiceAccount>(body, parse_account);
}

LiveServiceAccount parse_service_account_response(std::string_view body) {
  simdjson::dom::parser parser;
  object doc;
  if (page_json::parse_json(parser, body).get_object().get(doc)) {
    throw ResponseError("service account response is not a JSON object");
  }
  return parse_account(doc);
}

Page<RolesIn> parse_service_account_projects_page(std::string_view body) {
  return page_json::parse_page<RolesIn>(body, [](object item) { return parse_roles_in(item, "groupId"); });
}

Page<RolesIn> parse_project_service_accounts_page(std::string_view body) {
  return page_json::parse_page<RolesIn>(body, [](object item) { return parse_roles_in(item, "clientId"); });
}

CreatedSecret parse_created_service_account(std::string_view body) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw ResponseError("response is not valid JSON");
  json& item = unwrap(doc);
  WipeSecretField wipe_first;
  if (item.is_object() && item.contains("secrets") && item["secrets"].is_array() && !item["secrets"].empty()) {
    wipe_first.secret = &item["secrets"][0];
  }
  if (!item.is_object()) throw ResponseError("the created service account is not a JSON object");
  CreatedSecret created;
  created.client_id = string_field(item, "clientId");
  created.name = string_field(item, "name");
  const std::string owner = "the created service account " + escape_text(created.client_id);
  if (!wipe_first.secret) throw ResponseError(owner + " comes without a secret");
  take_secret(*wipe_first.secret, created, owner);
  return created;
}

CreatedSecret parse_created_secret(std::string_view body, const std::string& client_id, const std::string& name) {
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw ResponseError("response is not valid JSON");
  json& item = unwrap(doc);
  WipeSecretField wipe_on_exit{&item};
  CreatedSecret created;
  created.client_id = client_id;
  created.name = name;
  take_secret(item, created, "the created secret of service account " + escape_text(client_id));
  return created;
}

namespace {

// The string field `name` of the answer, "" when anything is amiss: for answers that already
// failed to parse. A secret in it is wiped all the same.
std::string loose_string(std::string_view body, const char* name) {
  json doc = json::parse(body, nullptr, false);
  WipeSecretField wipe_first;
  std::string found;
  if (!doc.is_discarded()) {
    json& item = unwrap(doc);
    if (item.is_object() && item.contains("secrets") && item["secrets"].is_array() && !item["secrets"].empty()) {
      wipe_first.secret = &item["secrets"][0];
    }
    WipeSecretField wipe_self{&item};
    if (item.is_object() && item.contains(name) && item[name].is_string()) found = item[name].get<std::string>();
  }
  return found;
}

}  // namespace

std::string created_client_id(std::string_view body) { return loose_string(body, "clientId"); }

std::string created_secret_id(std::string_view body) { return loose_string(body, "id"); }

}  // namespace keyform
