// [[service_accounts]]: parsed like [[keys]] (the shared fields come from ConfigReader), with the
// identity, name and description rules of the service account API.
#include "core/service_account_config.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>

#include "core/text.h"
#include "core/unicode.h"

namespace keyform {
namespace {

constexpr std::string_view kClientIdPrefix = "mdb_sa_id_";
constexpr std::size_t kClientIdHexDigits = 24;
constexpr std::string_view kFields[] = {"client_id", "name",        "description", "state",
                                        "projects",  "org_roles",   "access_list", "secret_expires_after_hours"};
constexpr std::string_view kCharset = "letters, numbers, spaces and - _ . , '";

// How messages name the entry: by what identifies it once that passed its checks (a refused
// name is never echoed).
std::string subject_name(const DeclaredServiceAccount& account) {
  if (!account.label().empty()) return "service account " + quote(account.label());
  return "this service account";
}

// client_id and name, each stored only when valid; an entry needs one of the two.
void parse_identity(ConfigReader& reader, const toml::table& entry, DeclaredServiceAccount& account) {
  if (const auto* id = reader.string_field(entry, "client_id", "mdb_sa_id_ followed by 24 hex digits")) {
    if (is_client_id(id->get())) {
      account.client_id = id->get();
    } else {
      reader.error(pos_of(*id), "client_id " + quote(id->get()) +
                                    " is not a service account client id (expected mdb_sa_id_ followed by "
                                    "24 hex digits)");
    }
  }
  if (const auto* name = reader.string_field(entry, "name", "1 to 64 characters")) {
    account.name_pos = pos_of(*name);
    if (auto problem = service_account_text_problem("name", name->get(), kMaxServiceAccountNameChars)) {
      reader.error(account.name_pos, *problem);
    } else {
      account.name = name->get();
    }
  }
  if (!entry.contains("client_id") && !entry.contains("name")) {
    reader.error(account.pos, "service account has neither client_id nor name (name an existing account by "
                              "client_id, or give it a name: the account with that name, created when the "
                              "org has none)");
  }
}

void parse_description(ConfigReader& reader, const toml::table& entry, DeclaredServiceAccount& account) {
  const auto* description = reader.string_field(entry, "description", "1 to 250 characters");
  if (description == nullptr) return;
  account.description_pos = pos_of(*description);
  if (auto problem = service_account_text_problem("description", description->get(),
                                                  kMaxServiceAccountDescriptionChars)) {
    reader.error(account.description_pos, *problem);
  } else {
    account.description = description->get();
  }
}

DeclaredServiceAccount parse_entry(ConfigReader& reader, const toml::table& entry) {
  DeclaredServiceAccount account;
  account.pos = pos_of(entry);
  reader.check_fields(entry, "field", " in [[service_accounts]]", kFields);
  parse_identity(reader, entry, account);
  parse_description(reader, entry, account);
  SourcePos hours_pos;
  account.secret_expires_after_hours =
      reader.positive_int_field(entry, "secret_expires_after_hours", INT_MAX, hours_pos);
  const std::optional<KeyState> state = reader.parse_state(entry);
  if (state) account.state = *state;
  const EntrySubject subject{subject_name(account), "service account", "service_accounts", state};
  reader.parse_access_fields(entry, subject,
                             {&account.projects, &account.org_roles, &account.access_list,
                              &account.org_roles_pos, &account.access_list_pos});
  return account;
}

// Two entries for one account would give it two desired states, and two with one name could not
// tell which account a name means; the second entry is the one reported.
void check_duplicates(ConfigReader& reader, const std::vector<DeclaredServiceAccount>& accounts) {
  std::map<std::string, const DeclaredServiceAccount*> by_client_id;  // lower case: ids compare in any case
  std::map<std::string, const DeclaredServiceAccount*> by_name;
  for (const DeclaredServiceAccount& account : accounts) {
    if (!account.client_id.empty()) {
      auto [it, added] = by_client_id.emplace(lowercase(account.client_id), &account);
      if (!added) {
        reader.error(account.pos, "service account " + quote(account.client_id) +
                                      " is declared twice (client_id already used by the [[service_accounts]] "
                                      "entry at line " + std::to_string(it->second->pos.line) + ")");
      }
    }
    if (account.name) {
      auto [it, added] = by_name.emplace(*account.name, &account);
      if (!added) {
        reader.error(account.name_pos, "name " + quote(*account.name) +
                                           " is also the name of the [[service_accounts]] entry at line " +
                                           std::to_string(it->second->pos.line) +
                                           " (each service account needs a name no other entry has)");
      }
    }
  }
}

// Why a family cannot hold service accounts at all, or nothing when it can.
std::optional<std::string> missing_service_accounts(std::string_view api) {
  if (api == "atlas-v1") {
    return "the Atlas API v1.0 has no service accounts (they exist only in the v2 API: use api = \"atlas-v2\")";
  }
  if (api == "ops-manager") return "the Ops Manager API documents no service accounts";
  return std::nullopt;
}

}  // namespace

bool is_client_id(std::string_view text) {
  if (text.size() != kClientIdPrefix.size() + kClientIdHexDigits || !text.starts_with(kClientIdPrefix)) {
    return false;
  }
  const std::string_view hex = text.substr(kClientIdPrefix.size());
  return std::all_of(hex.begin(), hex.end(), is_hex_digit);
}

bool is_service_account_char(char32_t c) {
  return is_letter_or_number(c) || c == '-' || c == '_' || c == '.' || c == ',' || c == '\'' || c == ' ';
}

std::optional<std::string> service_account_text_problem(std::string_view field, std::string_view text,
                                                        std::size_t max_chars) {
  const std::string name(field);
  const std::string range = "1 to " + std::to_string(max_chars) + " characters";
  const std::optional<std::vector<char32_t>> chars = decode_utf8(text);
  if (!chars) return name + " is not valid UTF-8";
  if (chars->empty()) return name + " must not be empty (expected " + range + ")";
  if (chars->size() > max_chars) {
    return name + " is " + std::to_string(chars->size()) + " characters long (the API accepts " + range + ")";
  }
  auto bad = std::find_if_not(chars->begin(), chars->end(), is_service_account_char);
  if (bad == chars->end()) return std::nullopt;
  return name + " has the character " + code_point_name(*bad) + " at character " +
         std::to_string(bad - chars->begin() + 1) + ", which a service account " + name +
         " cannot hold (expected " + std::string(kCharset) + ")";
}

void parse_service_accounts(ConfigReader& reader, const toml::node& node,
                            std::vector<DeclaredServiceAccount>& out) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    reader.error(pos_of(node), "service_accounts must be an array of tables (write each account as "
                               "[[service_accounts]]), found " + describe(node));
    return;
  }
  for (const toml::node& entry : *array) {
    if (const toml::table* table = entry.as_table()) {
      out.push_back(parse_entry(reader, *table));
    } else {
      reader.error(pos_of(entry), "each service_accounts entry must be a table ([[service_accounts]]), found " +
                                      describe(entry));
    }
  }
  check_duplicates(reader, out);
}

void check_service_account_family(ConfigReader& reader, const Config& config) {
  const std::string api = config.target.api;
  if (auto why = missing_service_accounts(api)) {
    if (!config.service_accounts.empty()) {
      reader.error(config.service_accounts.front().pos,
                   "[[service_accounts]] cannot be used with api = " + quote(api) + ": " + *why);
    }
    if (config.policy.undeclared_service_accounts != UndeclaredPolicy::ignore) {
      reader.error(config.policy.undeclared_service_accounts_pos,
                   "undeclared_service_accounts = " + quote(to_string(config.policy.undeclared_service_accounts)) +
                       " cannot be used with api = " + quote(api) + ": " + *why +
                       " (remove the line, or set it to \"ignore\")");
    }
  }
  if (api != "cloud-manager") return;
  for (const DeclaredServiceAccount& account : config.service_accounts) {
    if (!account.access_list) continue;
    reader.error(account.access_list_pos,
                 "access_list of " + subject_name(account) +
                     " cannot be used with api = \"cloud-manager\": Cloud Manager documents no access-list "
                     "endpoint for service accounts (remove access_list to leave it alone)");
  }
}

}  // namespace keyform
