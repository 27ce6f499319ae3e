// The org as the Admin API reports it: built from the paged listings (keys, projects, and service
// accounts when the config needs them).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace keyform {

struct LiveProject {
  std::string id;
  std::string name;
};

struct LiveKey {
  std::string id;
  std::string public_key;
  std::string desc;
  std::map<std::string, std::vector<std::string>> project_roles;  // project id -> sorted, unique roles
  std::vector<std::string> org_roles{};  // sorted, unique: roles of this org named ORG_*
  // The key's IP access list as canonical CIDRs ("203.0.113.7/32"), sorted, unique; unset when it
  // was not read (the key listing does not carry it: one paged GET per key).
  std::optional<std::vector<std::string>> access_list{};
};

// One secret of a service account, as listed (its value is never listed after creation).
struct LiveSecret {
  std::string id;
  std::string created_at;  // RFC 3339, as listed
  std::string expires_at;  // RFC 3339, as listed
};

struct LiveServiceAccount {
  std::string client_id;  // "mdb_sa_id_" + 24 hex
  std::string name;
  std::string description;
  std::vector<std::string> org_roles;  // sorted, unique
  // Project id -> sorted, unique project roles; unset when the assignments were not read (they
  // are read only for the accounts the plan needs: see service_account_reads in core/planner.h).
  std::optional<std::map<std::string, std::vector<std::string>>> project_roles{};
  // Canonical CIDRs, sorted, unique; unset when not read (one paged GET per account).
  std::optional<std::vector<std::string>> access_list{};
  std::vector<LiveSecret> secrets{};  // listing order
};

// What a plan read of the org's service accounts beyond nothing: the listing, and the projects and
// access lists of some accounts (by client id, sorted). A saved plan's apply reads the same again,
// so its fingerprint compares like with like.
struct ServiceAccountReads {
  bool listing = false;
  std::vector<std::string> projects{};
  std::vector<std::string> access_lists{};
  friend bool operator==(const ServiceAccountReads&, const ServiceAccountReads&) = default;
};

struct LiveState {
  std::string org_id;
  std::vector<LiveKey> keys;
  std::vector<LiveProject> projects;
  // Read only when the config declares a service account or a policy other than ignore for the
  // undeclared ones; never the system-managed ones.
  bool service_accounts_read = false;
  std::vector<LiveServiceAccount> service_accounts{};
  // When the org was read (Unix seconds, UTC): secret expiry is judged against it, so planning
  // stays pure. 0 when unknown (tests that do not care): no secret counts as expiring then.
  std::int64_t read_at = 0;
};

}  // namespace keyform
