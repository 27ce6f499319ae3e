#include "sandbox/service_accounts.h"

#include "sandbox/family.h"
#include "sandbox/ids.h"
#include "sandbox/operation_kit.h"
#include "sandbox/random.h"
#include "sandbox/text.h"
#include "sandbox/timestamps.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <limits>

namespace keyform::sandbox {
namespace {

using nlohmann::json;

json org_account_json(const ServiceAccount& account) {
  return account_json(account, account.org_roles);
}

std::vector<const ServiceAccount*> listed_accounts(const OrgState& state) {
  std::vector<const ServiceAccount*> items;
  for (const ServiceAccount& account : state.service_accounts) {
    if (!account.login_only) items.push_back(&account);
  }
  return items;
}

// The synthetic item listing faults would add; no listing fault targets these listings yet, so
// it only satisfies page().
json synthetic_account(long long n) {
  return {{"clientId", fmt::format("mdb_sa_id_fa17{:020x}", n)}, {"name", "synthetic"}};
}

json object_body(std::string_view body, const char* expected) {
  json parsed = parse_body(body);
  if (!parsed.is_object()) {
    throw ApiError(400, "INVALID_JSON", fmt::format("Expected a JSON object {}.", expected));
  }
  return parsed;
}

int expiry_hours_value(const json& value) {
  if (!value.is_number_integer() || value.get<long long>() < 1 ||
      value.get<long long>() > std::numeric_limits<int>::max()) {
    bad_attribute("secretExpiresAfterHours", "expected a positive whole number of hours.");
  }
  return value.get<int>();
}

// "Not present or null": the update request's fields are all optional and nullable.
bool given(const json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && !it->is_null();
}

template <typename Taken>
std::string unused(std::string (*draw)(), Taken taken) {
  for (;;) {
    std::string candidate = draw();
    if (!taken(candidate)) return candidate;
  }
}

bool secret_id_taken(const OrgState& state, const std::string& id) {
  return std::any_of(state.service_accounts.begin(), state.service_accounts.end(),
                     [&](const ServiceAccount& account) {
                       return std::any_of(account.secrets.begin(), account.secrets.end(),
                                          [&](const auto& s) { return s.id == id; });
                     });
}

// A fresh secret valid for `hours` from now; its value is the caller's to show once.
ServiceAccountSecret new_secret(const OrgState& state, int hours) {
  const auto now = std::chrono::system_clock::now();
  ServiceAccountSecret secret;
  secret.id = unused(+[] { return random_hex(12); },
                     [&](const std::string& id) { return secret_id_taken(state, id); });
  secret.secret = "mdb_sa_sk_" + random_hex(20);
  secret.created_at = utc_timestamp(now);
  secret.expires_at = utc_timestamp(now + std::chrono::hours(hours));
  return secret;
}

struct AccountRequest {
  std::string name;
  std::string description;
  std::vector<std::string> org_roles;
  int expiry_hours = 0;
};

// OrgServiceAccountRequest: all four fields required, nothing else.
AccountRequest parse_account_request(std::string_view body) {
  const json parsed = object_body(
      body, R"({"name", "description", "roles", "secretExpiresAfterHours"})");
  for (const auto& [name, value] : parsed.items()) {
    if (name != "name" && name != "description" && name != "roles" &&
        name != "secretExpiresAfterHours") {
      bad_attribute(name, "unknown attribute.");
    }
  }
  for (const char* name : {"name", "description", "roles", "secretExpiresAfterHours"}) {
    if (!parsed.contains(name)) missing_attribute(name);
  }
  return {account_text_value(parsed.at("name"), "name", 64),
          account_text_value(parsed.at("description"), "description", 250),
          org_roles_value(parsed.at("roles")), expiry_hours_value(parsed.at("secretExpiresAfterHours"))};
}

json secret_in_clear(const ServiceAccountSecret& secret) {
  json body = secret_json(secret);
  body["secret"] = secret.secret;  // the one answer that shows it
  return body;
}

}  // namespace

const ServiceAccount& require_service_account(const OrgState& state, const std::string& client_id) {
  const ServiceAccount* account = state.find_service_account(client_id);
  if (!account || account->login_only) {
    throw ApiError(404, "SERVICE_ACCOUNT_NOT_FOUND",
                   fmt::format("No service account with client ID {} exists.", client_id),
                   {client_id});
  }
  return *account;
}

ServiceAccount& require_service_account(OrgState& state, const std::string& client_id) {
  return const_cast<ServiceAccount&>(require_service_account(std::as_const(state), client_id));
}

std::string masked_secret(std::string_view secret) {
  const std::string_view head = secret.substr(0, std::min<std::size_t>(10, secret.size()));
  const std::string_view tail = secret.size() >= 14 ? secret.substr(secret.size() - 4) : "";
  return fmt::format("{}****{}", head, tail);
}

json secret_json(const ServiceAccountSecret& secret) {
  return {{"id", secret.id},
          {"createdAt", secret.created_at},
          {"expiresAt", secret.expires_at},
          {"lastUsedAt", nullptr},
          {"maskedSecretValue", masked_secret(secret.secret)}};
}

json account_json(const ServiceAccount& account, const json& roles) {
  json secrets = json::array();
  for (const ServiceAccountSecret& secret : account.secrets) secrets.push_back(secret_json(secret));
  return {{"clientId", account.client_id},
          {"name", account.name},
          {"description", account.description},
          {"roles", roles},
          {"createdAt", account.created_at},
          {"secrets", std::move(secrets)}};
}

std::string account_text_value(const json& value, const std::string& attribute, std::size_t max) {
  const auto* text = value.get_ptr<const std::string*>();
  if (!text || text->empty() || utf8_length(*text) > max || !is_account_text(*text)) {
    bad_attribute(attribute, fmt::format("expected 1 to {} letters, digits, spaces or -_.,'.", max));
  }
  return *text;
}

Reply account_reply(const Call& call, json body, int status) {
  Reply reply = ok(call, std::move(body), status);
  reply.content_type = std::string(service_account_media_type(call.family));
  return reply;
}

Reply list_org_service_accounts(const OrgState& state, const Call& call) {
  Page listing = page(listed_accounts(state), call, org_account_json, synthetic_account);
  Reply reply = account_reply(call, std::move(listing.body));
  reply.padding = listing.padding;
  return reply;
}

Reply get_service_account(const OrgState& state, const Call& call) {
  return account_reply(call, org_account_json(require_service_account(state, call.route.client_id)));
}

Reply create_service_account(OrgState& state, const Call& call) {
  AccountRequest request = parse_account_request(call.body);
  ServiceAccount account;
  account.client_id = unused(+[] { return "mdb_sa_id_" + random_hex(12); },
                             [&](const std::string& id) { return state.find_service_account(id); });
  account.name = std::move(request.name);
  account.description = std::move(request.description);
  account.org_roles = std::move(request.org_roles);
  account.created_at = utc_now();
  account.secrets.push_back(new_secret(state, request.expiry_hours));
  state.service_accounts.push_back(std::move(account));
  const ServiceAccount& created = state.service_accounts.back();
  json body = org_account_json(created);
  body["secrets"][0] = secret_in_clear(created.secrets[0]);
  return account_reply(call, std::move(body), 201);
}

// OrgServiceAccountUpdateRequest: name, description and roles, each optional and nullable.
Reply update_service_account(OrgState& state, const Call& call) {
  ServiceAccount& account = require_service_account(state, call.route.client_id);
  const json parsed = object_body(call.body, R"({"name"?, "description"?, "roles"?})");
  for (const auto& [name, value] : parsed.items()) {
    if (name != "name" && name != "description" && name != "roles") {
      bad_attribute(name, "unknown attribute.");
    }
  }
  // Every field is checked before any changes: a 400 leaves the account as it was.
  ServiceAccount changed = account;
  if (given(parsed, "name")) changed.name = account_text_value(parsed["name"], "name", 64);
  if (given(parsed, "description")) {
    changed.description = account_text_value(parsed["description"], "description", 250);
  }
  if (given(parsed, "roles")) changed.org_roles = org_roles_value(parsed["roles"]);
  account = std::move(changed);
  return account_reply(call, org_account_json(account));
}

// Assignments and secrets live inside the account: erasing it removes it from every project.
Reply delete_service_account(OrgState& state, const Call& call) {
  require_service_account(state, call.route.client_id);
  std::erase_if(state.service_accounts,
                [&](const ServiceAccount& a) { return a.client_id == call.route.client_id; });
  return deleted(call);
}

// ServiceAccountSecretRequest: {"secretExpiresAfterHours"} required.
Reply create_service_account_secret(OrgState& state, const Call& call) {
  require_service_account(state, call.route.client_id);
  const json parsed = object_body(call.body, R"({"secretExpiresAfterHours": hours})");
  for (const auto& [name, value] : parsed.items()) {
    if (name != "secretExpiresAfterHours") bad_attribute(name, "unknown attribute.");
  }
  if (!parsed.contains("secretExpiresAfterHours")) missing_attribute("secretExpiresAfterHours");
  ServiceAccountSecret secret = new_secret(state, expiry_hours_value(parsed["secretExpiresAfterHours"]));
  ServiceAccount& account = require_service_account(state, call.route.client_id);
  account.secrets.push_back(secret);
  return account_reply(call, secret_in_clear(secret), 201);
}

Reply delete_service_account_secret(OrgState& state, const Call& call) {
  ServiceAccount& account = require_service_account(state, call.route.client_id);
  const auto erased = std::erase_if(account.secrets, [&](const ServiceAccountSecret& s) {
    return s.id == call.route.secret_id;
  });
  if (erased == 0) {
    throw ApiError(404, "SERVICE_ACCOUNT_SECRET_NOT_FOUND",
                   fmt::format("Service account {} has no secret with ID {}.", account.client_id,
                               call.route.secret_id),
                   {account.client_id, call.route.secret_id});
  }
  return deleted(call);
}

}  // namespace keyform::sandbox
