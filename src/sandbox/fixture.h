// The organization the sandbox serves: its in-memory model, and the JSON fixture it starts from.
//
// Fixture format (service_accounts, desc, org_roles, access_list and projects are optional):
//   {"org": {"id": O, "name": "..."},
//    "projects": [{"id": G, "name": "..."}],
//    "keys": [{"id": K, "public_key": "abcdefgh", "private_key": "...", "desc": "...",
//              "org_roles": ["ORG_MEMBER"], "projects": {G: ["GROUP_READ_ONLY"]},
//              "access_list": ["203.0.113.7", "198.51.100.0/24", "2001:db8::/32"]}],
//    "service_accounts": [{"client_id": "mdb_sa_id_...", "client_secret": "mdb_sa_sk_..."}]}
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

struct ServiceAccount {
  std::string client_id;
  std::string client_secret;
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
  const ServiceAccount* find_service_account(std::string_view client_id) const;
};

// One line: where in the fixture, and what is wrong.
struct FixtureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Validates everything: ids, role names, references, uniqueness, unknown fields (typos).
OrgState parse_fixture(std::string_view text);
OrgState load_fixture(const std::string& path);  // the message starts with the path

// The state in the fixture's format without secrets (no private keys, no service accounts);
// project roles sorted; every key's "access_list" (possibly empty) as canonical CIDR strings,
// "/32" and "/128" included ("203.0.113.7/32", "2001:0db8:0000:0000:0000:0000:0000:0000/32").
// What GET /__sandbox/state answers.
nlohmann::json public_state(const OrgState& state);

}  // namespace keyform::sandbox
