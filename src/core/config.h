// The desired state as the user wrote it: a parsed, fully validated keyform.toml.
// Parsing is pure (text in, Config or errors out); reading the file is the caller's job.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace keyform {

struct SourcePos {
  int line = 0;    // 1-based; 0 means "no position"
  int column = 0;  // 1-based
};

enum class UndeclaredPolicy { ignore, unassign, remove };
enum class KeyState { present, absent };

std::string_view to_string(UndeclaredPolicy policy);

struct Target {
  std::string api;       // "atlas-v2", "atlas-v1", "cloud-manager", "ops-manager"
  std::string org_id;    // 24 lowercase hex digits
  std::string base_url;  // empty when the file does not set one
  SourcePos api_pos;
  SourcePos org_id_pos;
  SourcePos base_url_pos;
};

struct Policy {
  UndeclaredPolicy undeclared_keys = UndeclaredPolicy::ignore;
  UndeclaredPolicy undeclared_service_accounts = UndeclaredPolicy::ignore;
  std::vector<std::string> protected_keys;  // public keys, key ids or service account client ids
  std::optional<int> max_destroy;
  // 1-365 when set. Set: rotate declared service accounts whose latest secret expires within this many days
  // (create_secret, and delete_secret for expired ones). Unset: only warn, at 14 days.
  std::optional<int> secret_rotation_days;
  SourcePos undeclared_service_accounts_pos, secret_rotation_days_pos;

  int rotation_warning_days() const { return secret_rotation_days.value_or(14); }
};

// One entry of a key's [keys.projects] table: a project named by id or by name.
struct DeclaredProject {
  std::string ref;                 // what the user wrote: 24-hex id or a project name
  std::vector<std::string> roles;  // sorted, unique
  SourcePos pos;
};

// Each optional attribute is managed when present and left alone when absent.
struct DeclaredKey {
  std::string id;          // 24 hex digits, or empty when public_key or desc names the key
  std::string public_key;  // or empty when id or desc names the key
  // 1-250 Unicode characters (code points), valid UTF-8, no control characters.
  std::optional<std::string> desc;
  KeyState state = KeyState::present;
  std::vector<DeclaredProject> projects;  // in file order; empty for an absent key
  // Sorted, unique, each "ORG_" + capitals/underscores, at least one. Never set on an absent key.
  std::optional<std::vector<std::string>> org_roles;
  // Canonical IpNetwork::to_string() values, sorted as strings, unique by value; may be empty
  // ([] = no entries). Never set on an absent key.
  std::optional<std::vector<std::string>> access_list;
  SourcePos pos;  // of the [[keys]] entry
  SourcePos desc_pos, org_roles_pos, access_list_pos;  // of the values, for messages

  // Named by neither id nor public key: the key in the org whose description is exactly `desc`
  // (created when there is none). The config makes such a desc unique in the file.
  bool by_desc() const { return id.empty() && public_key.empty() && desc.has_value(); }

  // How the user named the key, for messages: the public key, the id, or the description.
  const std::string& label() const {
    if (by_desc()) return *desc;
    return public_key.empty() ? id : public_key;
  }
};

// One [[service_accounts]] entry. Like a key, each optional attribute is managed when present.
struct DeclaredServiceAccount {
  // "mdb_sa_id_" + 24 hex digits of either case as the spec allows, kept as written; or empty
  // when `name` names it. Two entries whose ids differ only in case are refused as one account.
  std::string client_id;
  // 1-64 and 1-250 characters (code points) of the spec's [\p{L}\p{N}\-_.,' ]: Unicode letters
  // and numbers (general categories L and N, Unicode 14), - _ . , ' and U+0020 only.
  std::optional<std::string> name;
  std::optional<std::string> description;
  KeyState state = KeyState::present;
  std::vector<DeclaredProject> projects;   // in file order; empty for an absent account
  std::optional<std::vector<std::string>> org_roles;    // sorted, unique; never on an absent one
  std::optional<std::vector<std::string>> access_list;  // canonical CIDRs, sorted, unique
  std::optional<int> secret_expires_after_hours;        // > 0; used when a secret is created
  SourcePos pos;  // of the [[service_accounts]] entry
  SourcePos name_pos, description_pos, org_roles_pos, access_list_pos;

  // Named by its name alone: the account in the org with exactly this name (created when there
  // is none). The config makes such a name unique in the file.
  bool by_name() const { return client_id.empty() && name.has_value(); }
  const std::string& label() const { return by_name() ? *name : client_id; }
  // What a new secret's lifetime is when the file says nothing.
  int expires_after_hours() const { return secret_expires_after_hours.value_or(2160); }
};

struct ConfigError {
  std::string path;
  SourcePos pos;
  std::string message;
};

struct Config {
  std::string path;  // for messages
  Target target;
  Policy policy;
  std::vector<DeclaredKey> keys;
  std::vector<DeclaredServiceAccount> service_accounts;
  // Valid but suspicious (a role name the documentation does not list), in file order.
  std::vector<ConfigError> warnings;
};

// What keeps `desc` from being a key description the file can hold (1-250 code points, valid
// UTF-8, no control characters), as a message starting "desc ...", or nothing. Export uses it to
// leave out a live description the config would refuse.
std::optional<std::string> desc_problem(std::string_view desc);

// "FILE:LINE:COLUMN: message" (or "FILE: message" when there is no position).
std::string format_error(const ConfigError& error);

struct ConfigParseResult {
  std::optional<Config> config;     // set only when errors is empty
  std::vector<ConfigError> errors;  // every problem found, in file order
};

// Validates everything that can be checked without the network.
ConfigParseResult parse_config(std::string_view text, const std::string& path);

}  // namespace keyform
