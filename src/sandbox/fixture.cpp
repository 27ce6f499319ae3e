#include "sandbox/fixture.h"

#include "sandbox/ids.h"
#include "sandbox/text.h"
#include "sandbox/timestamps.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <sstream>

namespace keyform::sandbox {
namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& where, const std::string& message) {
  throw FixtureError(fmt::format("{}: {}", where, message));
}

void require_object(const json& value, const std::string& where) {
  if (!value.is_object()) fail(where, "expected an object");
}

// A misspelt optional field would otherwise be silently ignored.
void reject_unknown_fields(const json& object, std::initializer_list<std::string_view> known,
                           const std::string& where) {
  for (const auto& [name, value] : object.items()) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      fail(where, fmt::format("unknown field \"{}\"", name));
    }
  }
}

std::string string_field(const json& object, const char* name, const std::string& where) {
  auto it = object.find(name);
  if (it == object.end()) fail(where, fmt::format("missing field \"{}\"", name));
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    fail(fmt::format("{}.{}", where, name), "expected a non-empty string");
  }
  return it->get<std::string>();
}

std::string id_field(const json& object, const char* name, const std::string& where) {
  std::string id = string_field(object, name, where);
  if (!is_object_id(id)) {
    fail(fmt::format("{}.{}", where, name),
         fmt::format("\"{}\" is not 24 lowercase hex digits", id));
  }
  return id;
}

// Non-empty list of role names that pass `valid`; duplicates dropped, order kept.
std::vector<std::string> role_list(const json& value, bool (*valid)(std::string_view),
                                   const std::string& where) {
  if (!value.is_array() || value.empty()) fail(where, "expected a non-empty array of role names");
  std::vector<std::string> roles;
  for (const auto& role : value) {
    if (!role.is_string() || !valid(role.get_ref<const std::string&>())) {
      fail(where, fmt::format("invalid role {}", role.dump()));
    }
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
  }
  return roles;
}

// A real public key is 8 lowercase letters or digits; it is also the digest user name.
std::string public_key_field(const json& object, const std::string& where) {
  std::string key = string_field(object, "public_key", where);
  bool ok = key.size() == 8 && std::all_of(key.begin(), key.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            });
  if (!ok) {
    fail(where + ".public_key", fmt::format("\"{}\" is not 8 lowercase letters or digits", key));
  }
  return key;
}

// Listings show the last 12 characters, so a shorter private key cannot be masked.
std::string private_key_field(const json& object, const std::string& where) {
  std::string key = string_field(object, "private_key", where);
  if (key.size() < 12) fail(where + ".private_key", "must be at least 12 characters");
  return key;
}

Org parse_org(const json& root) {
  auto it = root.find("org");
  if (it == root.end()) fail("fixture", "missing field \"org\"");
  require_object(*it, "org");
  reject_unknown_fields(*it, {"id", "name"}, "org");
  return Org{id_field(*it, "id", "org"), string_field(*it, "name", "org")};
}

Project parse_project(const json& value, const std::string& where) {
  require_object(value, where);
  reject_unknown_fields(value, {"id", "name"}, where);
  return Project{id_field(value, "id", where), string_field(value, "name", where)};
}

std::map<std::string, std::set<std::string>> parse_assignments(const json& value,
                                                               const OrgState& state,
                                                               const std::string& where) {
  require_object(value, where);
  std::map<std::string, std::set<std::string>> assignments;
  for (const auto& [project_id, roles] : value.items()) {
    std::string at = fmt::format("{}.{}", where, project_id);
    if (!state.find_project(project_id)) fail(at, "no such project in \"projects\"");
    auto list = role_list(roles, is_project_role, at);
    assignments[project_id] = std::set<std::string>(list.begin(), list.end());
  }
  return assignments;
}

// Fixture entries were "added" before the sandbox started; a fixed date keeps listings stable.
constexpr const char* fixture_created = "2024-01-01T00:00:00Z";

// Strings in any form parse_network accepts; a repeat (by value, not spelling) is an error
// naming both positions.
std::vector<AccessEntry> parse_access_list(const json& value, const std::string& where) {
  if (!value.is_array()) fail(where, "expected an array of IP addresses or CIDR blocks");
  std::vector<AccessEntry> entries;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", where, i);
    if (!value[i].is_string()) fail(at, "expected a string");
    Network network;
    try {
      network = parse_network(value[i].get_ref<const std::string&>());
    } catch (const AddressError& error) {
      fail(at, error.what());
    }
    for (std::size_t j = 0; j < entries.size(); ++j) {
      if (entries[j].network == network) {
        fail(at, fmt::format("{} repeats entry [{}] ({})", value[i].dump(), j, to_string(network)));
      }
    }
    entries.push_back({network, fixture_created});
  }
  return entries;
}

ApiKey parse_key(const json& value, const OrgState& state, const std::string& where) {
  require_object(value, where);
  reject_unknown_fields(
      value, {"id", "public_key", "private_key", "desc", "org_roles", "projects", "access_list"},
      where);
  ApiKey key;
  key.id = id_field(value, "id", where);
  key.public_key = public_key_field(value, where);
  key.private_key = private_key_field(value, where);
  if (auto it = value.find("desc"); it != value.end()) {
    if (!it->is_string()) fail(where + ".desc", "expected a string");
    key.desc = it->get<std::string>();
  }
  auto org_roles = value.find("org_roles");
  key.org_roles = org_roles == value.end()
                      ? std::vector<std::string>{"ORG_MEMBER"}
                      : role_list(*org_roles, is_org_role, where + ".org_roles");
  if (auto it = value.find("projects"); it != value.end()) {
    key.project_roles = parse_assignments(*it, state, where + ".projects");
  }
  if (auto it = value.find("access_list"); it != value.end()) {
    key.access_list = parse_access_list(*it, where + ".access_list");
  }
  return key;
}

ServiceAccount parse_login_only_account(const json& value, const std::string& where) {
  reject_unknown_fields(value, {"client_id", "client_secret"}, where);
  ServiceAccount account;
  account.login_only = true;
  account.client_id = string_field(value, "client_id", where);
  account.client_secret = string_field(value, "client_secret", where);
  // Basic auth splits "id:secret" at the first colon.
  if (account.client_id.find(':') != std::string::npos) {
    fail(where + ".client_id", "must not contain ':'");
  }
  return account;
}

// 1 to `max` characters of the spec's set for service-account names and descriptions.
std::string account_text_field(const json& object, const char* name, std::size_t max,
                               const std::string& where) {
  std::string text = string_field(object, name, where);
  if (utf8_length(text) > max || !is_account_text(text)) {
    fail(fmt::format("{}.{}", where, name),
         fmt::format("expected 1 to {} letters, digits, spaces or -_.,'", max));
  }
  return text;
}

ServiceAccountSecret parse_secret(const json& value, const std::string& where) {
  require_object(value, where);
  reject_unknown_fields(value, {"id", "secret", "expires_at"}, where);
  ServiceAccountSecret secret;
  secret.id = id_field(value, "id", where);
  secret.secret = string_field(value, "secret", where);
  // Listings show a prefix and the last four characters: a shorter secret would be all shown.
  if (secret.secret.size() < 16) fail(where + ".secret", "must be at least 16 characters");
  secret.created_at = fixture_created;
  secret.expires_at = string_field(value, "expires_at", where);
  if (!is_utc_timestamp(secret.expires_at)) {
    fail(where + ".expires_at", "expected a UTC timestamp like \"2030-01-01T00:00:00Z\"");
  }
  return secret;
}

ServiceAccount parse_service_account(const json& value, const OrgState& state,
                                     const std::string& where) {
  require_object(value, where);
  if (value.contains("client_secret")) return parse_login_only_account(value, where);
  reject_unknown_fields(value,
                        {"client_id", "name", "description", "org_roles", "projects",
                         "access_list", "secrets"},
                        where);
  ServiceAccount account;
  account.client_id = string_field(value, "client_id", where);
  if (!is_client_id(account.client_id)) {
    fail(where + ".client_id",
         fmt::format("\"{}\" is not \"mdb_sa_id_\" and 24 hex digits", account.client_id));
  }
  account.name = account_text_field(value, "name", 64, where);
  account.description = account_text_field(value, "description", 250, where);
  account.created_at = fixture_created;
  auto org_roles = value.find("org_roles");
  account.org_roles = org_roles == value.end()
                          ? std::vector<std::string>{"ORG_MEMBER"}
                          : role_list(*org_roles, is_documented_org_role, where + ".org_roles");
  if (auto it = value.find("projects"); it != value.end()) {
    account.project_roles = parse_assignments(*it, state, where + ".projects");
  }
  if (auto it = value.find("access_list"); it != value.end()) {
    account.access_list = parse_access_list(*it, where + ".access_list");
  }
  const json& secrets = value.contains("secrets") ? value.at("secrets") : json::array();
  if (!secrets.is_array()) fail(where + ".secrets", "expected an array");
  for (std::size_t i = 0; i < secrets.size(); ++i) {
    account.secrets.push_back(parse_secret(secrets[i], fmt::format("{}.secrets[{}]", where, i)));
  }
  return account;
}

const json& array_field(const json& root, const char* name, bool required) {
  static const json empty = json::array();
  auto it = root.find(name);
  if (it == root.end()) {
    if (required) fail("fixture", fmt::format("missing field \"{}\"", name));
    return empty;
  }
  if (!it->is_array()) fail(name, "expected an array");
  return *it;
}

// `what` names the clash for the message; `key` extracts the value that must be unique.
// Reports the first item that repeats an earlier one. A set, not a pairwise scan: fixtures of
// 10 000 keys (the benchmark's) loaded in seconds with the quadratic loop.
template <typename T, typename Key>
void require_unique(const std::vector<T>& items, const char* what, Key key) {
  std::set<std::string> seen;
  for (const T& item : items) {
    if (!seen.insert(key(item)).second) fail("fixture", fmt::format("duplicate {} \"{}\"", what, key(item)));
  }
}

void check_uniqueness(const OrgState& state) {
  require_unique(state.projects, "project id", [](const Project& p) { return p.id; });
  require_unique(state.projects, "project name", [](const Project& p) { return p.name; });
  require_unique(state.keys, "key id", [](const ApiKey& k) { return k.id; });
  require_unique(state.keys, "public key", [](const ApiKey& k) { return k.public_key; });
  require_unique(state.service_accounts, "client id",
                 [](const ServiceAccount& s) { return s.client_id; });
  std::vector<const ServiceAccountSecret*> secrets;
  for (const ServiceAccount& account : state.service_accounts) {
    for (const ServiceAccountSecret& secret : account.secrets) secrets.push_back(&secret);
  }
  require_unique(secrets, "secret id", [](const ServiceAccountSecret* s) { return s->id; });
}

template <typename T>
auto find_by(T& items, auto member, std::string_view value) -> decltype(&items[0]) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const auto& item) { return item.*member == value; });
  return it == items.end() ? nullptr : &*it;
}

json public_key_json(const ApiKey& key) {
  json projects = json::object();
  for (const auto& [project_id, roles] : key.project_roles) projects[project_id] = roles;
  json access_list = json::array();
  for (const AccessEntry& entry : key.access_list) access_list.push_back(to_string(entry.network));
  return {{"id", key.id},         {"public_key", key.public_key},
          {"desc", key.desc},     {"org_roles", key.org_roles},
          {"projects", projects}, {"access_list", access_list}};
}

json public_account_json(const ServiceAccount& account) {
  json projects = json::object();
  for (const auto& [project_id, roles] : account.project_roles) projects[project_id] = roles;
  json access_list = json::array();
  for (const AccessEntry& entry : account.access_list) access_list.push_back(to_string(entry.network));
  json secrets = json::array();
  for (const ServiceAccountSecret& secret : account.secrets) {
    secrets.push_back({{"id", secret.id}, {"expires_at", secret.expires_at}});
  }
  return {{"client_id", account.client_id}, {"name", account.name},
          {"description", account.description}, {"org_roles", account.org_roles},
          {"projects", projects}, {"access_list", access_list}, {"secrets", secrets}};
}

}  // namespace

bool ServiceAccount::accepts(std::string_view secret, std::string_view now) const {
  if (login_only) return secret == client_secret;
  return std::any_of(secrets.begin(), secrets.end(), [&](const ServiceAccountSecret& s) {
    return s.secret == secret && s.expires_at > now;
  });
}

const Project* OrgState::find_project(std::string_view id) const {
  return find_by(projects, &Project::id, id);
}
ApiKey* OrgState::find_key(std::string_view id) { return find_by(keys, &ApiKey::id, id); }
const ApiKey* OrgState::find_key(std::string_view id) const {
  return find_by(keys, &ApiKey::id, id);
}

const ApiKey* OrgState::find_key_by_public_key(std::string_view public_key) const {
  return find_by(keys, &ApiKey::public_key, public_key);
}

ServiceAccount* OrgState::find_service_account(std::string_view client_id) {
  return find_by(service_accounts, &ServiceAccount::client_id, client_id);
}

const ServiceAccount* OrgState::find_service_account(std::string_view client_id) const {
  return find_by(service_accounts, &ServiceAccount::client_id, client_id);
}

OrgState parse_fixture(std::string_view text) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& error) {
    fail("fixture", fmt::format("not valid JSON: {}", error.what()));
  }
  require_object(root, "fixture");
  reject_unknown_fields(root, {"org", "projects", "keys", "service_accounts"}, "fixture");
  OrgState state;
  state.org = parse_org(root);
  const json& projects = array_field(root, "projects", true);
  for (std::size_t i = 0; i < projects.size(); ++i) {
    state.projects.push_back(parse_project(projects[i], fmt::format("projects[{}]", i)));
  }
  const json& keys = array_field(root, "keys", true);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    state.keys.push_back(parse_key(keys[i], state, fmt::format("keys[{}]", i)));
  }
  const json& accounts = array_field(root, "service_accounts", false);
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    state.service_accounts.push_back(
        parse_service_account(accounts[i], state, fmt::format("service_accounts[{}]", i)));
  }
  check_uniqueness(state);
  return state;
}

OrgState load_fixture(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FixtureError(fmt::format("{}: cannot read: {}", path, std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return parse_fixture(text.str());
  } catch (const FixtureError& error) {
    throw FixtureError(fmt::format("{}: {}", path, error.what()));
  }
}

json public_state(const OrgState& state) {
  json projects = json::array();
  for (const auto& p : state.projects) projects.push_back({{"id", p.id}, {"name", p.name}});
  json keys = json::array();
  for (const auto& key : state.keys) keys.push_back(public_key_json(key));
  json result = {{"org", {{"id", state.org.id}, {"name", state.org.name}}},
                 {"projects", projects},
                 {"keys", keys}};
  json accounts = json::array();
  for (const auto& account : state.service_accounts) {
    if (!account.login_only) accounts.push_back(public_account_json(account));
  }
  if (!accounts.empty()) result["service_accounts"] = std::move(accounts);
  return result;
}

}  // namespace keyform::sandbox
