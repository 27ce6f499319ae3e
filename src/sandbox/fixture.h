// The organization the sandbox serves: its in-memory model, and the JSON fixture it starts from.
//
// Fixture format (service_accounts, desc, org_roles, access_list and projects are optional):
//   {"org": {"id": O, "name": "..."},
//    "projects": [{"id": G, "name": "..."}],
//    "keys": [{"id": K, "public_key": "abcdefgh", "private_key": "...", "desc": "...",
//              "org_roles": ["ORG_MEMBER"], "projects": {G: ["GROUP_READ_ONLY"]},
//              "access_list": ["203.0.113.7", "198.51.100.0/24", "2001:db8::/32"]}],
//    "service_accounts": [
//      {"client_id": "mdb_sa_id_" + 24 hex, "name": "...", "description": "...",
//       "org_roles": ["ORG_MEMBER"], "projects": {G: ["GROUP_READ_ONLY"]}, "access_list": [...],
//       "secrets": [{"id": 24 hex, "secret": "mdb_sa_sk_...", "expires_at": "2030-01-01T00:00:00Z"}]},
//      {"client_id": "...", "client_secret": "..."}]}   <- login only, see ServiceAccount
// For a full service account org_roles (default ["ORG_MEMBER"]), projects, access_list and
// secrets are optional; name and description follow the v2 spec (1-64 / 1-250 characters of
// letters, digits and -_.,' and space).
#pragma once

#include "sandbox/address.h"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace keyform::sandbox {

struct Org {
  std::string id;
  std::string name;
};

struct Project {
  std::string id;
  std::string name;
};

// One entry of a key's IP access list.
struct AccessEntry {
  Network network;      // a single address is its /32 or /128
  std::string created;  // ISO 8601, UTC
};

struct ApiKey {
  std::string id;
  std::string public_key;   // the digest user name
  std::string private_key;  // the digest password; leaves the process only in its create answer
  std::string desc;
  std::vector<std::string> org_roles;
  // Project id -> roles. An entry is never empty: taking the last role away is an unassign.
  std::map<std::string, std::set<std::string>> project_roles;
  // Empty: the key may call from anywhere. Otherwise only from an address inside an entry.
  // In the order added; never two entries with the same network.
  std::vector<AccessEntry> access_list;
};

struct ServiceAccountSecret {
  std::string id;          // 24 lowercase hex
  std::string secret;      // leaves the process only in the answer that creates it
  std::string created_at;  // timestamps.h's shape
  std::string expires_at;
};

struct ServiceAccount {
  std::string client_id;
  // The older fixture form {"client_id", "client_secret"}: an account that only obtains tokens.
  // It has no name or roles, is allowed everything and is not shown by the service-account API.
  std::string client_secret;
  bool login_only = false;
  std::string name;
  std::string description;
  std::string created_at;
  std::vector<std::string> org_roles;
  std::map<std::string, std::set<std::string>> project_roles;  // as ApiKey's
  std::vector<AccessEntry> access_list;                        // as ApiKey's
  std::vector<ServiceAccountSecret> secrets;                   // in the order created

  // Whether `secret` may obtain a token at `now` (a utc_timestamp): a login-only account's
  // client_secret, or a secret of this account that expires after `now`.
  bool accepts(std::string_view secret, std::string_view now) const;
};

// Plain data; the server guards it with a mutex. Vectors keep fixture order, which is the order
// the listings use, so pages are stable.
struct OrgState {
  Org org;
  std::vector<Project> projects;
  std::vector<ApiKey> keys;
  std::vector<ServiceAccount> service_accounts;

  const Project* find_project(std::string_view id) const;
  ApiKey* find_key(std::string_view id);
  const ApiKey* find_key(std::string_view id) const;
  const ApiKey* find_key_by_public_key(std::string_view public_key) const;
  ServiceAccount* find_service_account(std::string_view client_id);
  const ServiceAccount* find_service_account(std::string_view client_id) const;
};

// One line: where in the fixture, and what is wrong.
struct FixtureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Validates everything: ids, role names, references, uniqueness, unknown fields (typos).
OrgState parse_fixture(std::string_view text);
OrgState load_fixture(const std::string& path);  // the message starts with the path

// The state in the fixture's format without secrets (no private keys, no client secrets; a
// "service_accounts" array only when there are accounts other than login-only ones, each secret
// as {"id", "expires_at"});
// project roles sorted; every key's "access_list" (possibly empty) as canonical CIDR strings,
// "/32" and "/128" included ("203.0.113.7/32", "2001:0db8:0000:0000:0000:0000:0000:0000/32").
// What GET /__sandbox/state answers.
nlohmann::json public_state(const OrgState& state);

}  // namespace keyform::sandbox
