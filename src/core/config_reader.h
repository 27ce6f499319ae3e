// What parsing keyform.toml shares between its sections: the error and warning lists, the
// helpers that turn a TOML node into a checked value or a positioned message, and the fields a
// key and a service account have alike (state, projects, org_roles, access_list).
// Internal to the config parser (config.cpp, service_account_config.cpp).
#pragma once

#include <toml++/toml.h>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace keyform {

using Names = std::span<const std::string_view>;

std::string join(Names names);
bool contains(Names names, std::string_view name);
std::string one_of(Names names);  // "expected one of: a, b, c"

// Double-quoted, escaped and shortened, so a value cannot break or bury the message's line.
std::string quote(std::string_view text);

// What the user wrote instead of what was expected, e.g. `string "10"` or `an array`.
std::string describe(const toml::node& node);

SourcePos pos_of(const toml::source_region& region);
SourcePos pos_of(const toml::node& node);
SourcePos pos_of(const toml::key& key);

// "line 4, column 1"
std::string where(SourcePos pos);

// Who an entry's messages name and where its tables live: a [[keys]] or [[service_accounts]] entry.
struct EntrySubject {
  std::string name;     // `key "abc"`, `service account "payments"`, "this key"
  std::string noun;     // "key", "service account"
  std::string section;  // "keys", "service_accounts"
  std::optional<KeyState> state;  // nullopt when the entry's state is unusable

  bool absent() const { return state == KeyState::absent; }
  bool present() const { return state == KeyState::present; }
};

// The fields of [[keys]] and [[service_accounts]] entries that share one meaning.
struct AccessFields {
  std::vector<DeclaredProject>* projects;
  std::optional<std::vector<std::string>>* org_roles;
  std::optional<std::vector<std::string>>* access_list;
  SourcePos* org_roles_pos;
  SourcePos* access_list_pos;
};

class ConfigReader {
 public:
  explicit ConfigReader(const std::string& path) : path_(path) {}

  const std::string& path() const { return path_; }

  void error(SourcePos pos, std::string message) { errors_.push_back({path_, pos, std::move(message)}); }
  void warn(SourcePos pos, std::string message) { warnings_.push_back({path_, pos, std::move(message)}); }

  // Errors (and warnings) in file order; config is dropped when there is any error.
  ConfigParseResult finish(std::optional<Config> config);

  void check_fields(const toml::table& table, std::string_view noun, std::string_view where, Names allowed);
  // The string at table[name], or nullptr when absent or (reported) not a string.
  const toml::value<std::string>* string_field(const toml::table& table, std::string_view name,
                                               std::string_view expected);
  const toml::table* table_field(const toml::node& node, std::string_view name);
  // A positive integer at most `max`; nullopt when absent or (reported) not one.
  std::optional<int> positive_int_field(const toml::table& table, std::string_view name, int max,
                                        SourcePos& pos);

  // present when absent from the entry; nullopt when unusable (reported).
  std::optional<KeyState> parse_state(const toml::table& entry);
  // projects, org_roles and access_list of one entry, each refused on an absent one.
  void parse_access_fields(const toml::table& entry, const EntrySubject& subject, const AccessFields& out);

 private:
  void parse_projects(const toml::table& entry, const EntrySubject& subject, std::vector<DeclaredProject>& out);
  bool refused_on_absent(const toml::key& field, std::string_view what, std::string_view name,
                         const EntrySubject& subject);
  std::optional<DeclaredProject> parse_project(const toml::key& ref, const toml::node& roles,
                                               const EntrySubject& subject);
  bool check_project_ref(const DeclaredProject& project);
  std::optional<std::vector<std::string>> parse_roles(const toml::node& node, const std::string& ref,
                                                      const EntrySubject& subject);
  bool parse_role(const toml::node& node, const std::string& ref, std::vector<std::string>& roles);
  void parse_org_roles(const toml::table& entry, const EntrySubject& subject, const AccessFields& out);
  bool parse_org_role(const toml::node& node, const EntrySubject& subject, std::map<std::string, SourcePos>& seen);
  void parse_access_list(const toml::table& entry, const EntrySubject& subject, const AccessFields& out);

  std::string path_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
};

}  // namespace keyform
