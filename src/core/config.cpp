// Parses and validates keyform.toml: [target], [policy] and [[keys]] here, [[service_accounts]]
// in service_account_config.cpp, the fields they share in config_reader.cpp. Every check records
// an error and carries on instead of stopping, so a user fixing a config sees all of its problems
// in one run, in file order.
#include "core/config.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <map>

#include "core/config_reader.h"
#include "core/ids.h"
#include "core/service_account_config.h"
#include "core/text.h"
#include "core/unicode.h"
#include "core/url.h"

namespace keyform {
namespace {

constexpr std::string_view kTopLevelFields[] = {"target", "policy", "keys", "service_accounts"};
constexpr std::string_view kTargetFields[] = {"api", "org_id", "base_url"};
constexpr std::string_view kPolicyFields[] = {"undeclared_keys",      "protected_keys",
                                              "max_destroy",          "undeclared_service_accounts",
                                              "secret_rotation_days"};
constexpr std::string_view kKeyFields[] = {"id",       "public_key", "desc",       "state",
                                            "projects", "org_roles",  "access_list"};
constexpr std::string_view kApis[] = {"atlas-v2", "atlas-v1", "cloud-manager", "ops-manager"};
constexpr std::string_view kUndeclaredPolicies[] = {"ignore", "unassign", "delete"};

// toml++ recurses once per dotted-key segment and overflows the stack on keys nested tens of
// thousands deep. A key path lives on one line, so bounding the dots per line bounds the depth;
// no real key comes anywhere near this. Dots inside strings are not counted (key_dots).
constexpr int kMaxDotsPerLine = 256;

// The API's limit for a key's description (minLength 1, maxLength 250), in characters.
constexpr std::size_t kMaxDescChars = 250;

// A rotation window longer than a year would rotate nearly every secret on every plan.
constexpr int kMaxSecretRotationDays = 365;

// Public keys and protected-key entries: one non-empty word.
bool is_token(std::string_view text) {
  return !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
    return is_space(static_cast<unsigned char>(c));
  });
}

// A protected_keys entry meant as a client id (its prefix in any case), so its shape is checked.
bool looks_like_client_id(std::string_view text) { return lowercase(text.substr(0, 10)) == "mdb_sa_id_"; }

// The dots of one line that can separate key segments: those outside quoted strings (an access
// list holds three per IPv4 address, and they nest nothing). A line with a multi-line string
// delimiter counts every dot: keys may follow a """ that closes a string begun lines before.
int key_dots(std::string_view line) {
  if (line.find(R"(""")") != std::string_view::npos || line.find("'''") != std::string_view::npos) {
    return static_cast<int>(std::count(line.begin(), line.end(), '.'));
  }
  int dots = 0;
  char open_quote = 0;  // the quote of the string being scanned, or 0
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (open_quote == '"' && c == '\\') {
      ++i;  // an escape: the next character does not end the string
    } else if (open_quote != 0) {
      if (c == open_quote) open_quote = 0;
    } else if (c == '"' || c == '\'') {
      open_quote = c;
    } else if (c == '.') {
      ++dots;
    }
  }
  return dots;
}

// The line of the first line with more key dots than kMaxDotsPerLine, or 0.
int first_overdeep_line(std::string_view text) {
  int line = 1;
  for (std::size_t start = 0; start < text.size(); ++line) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    if (key_dots(text.substr(start, end - start)) > kMaxDotsPerLine) return line;
    start = end + 1;
  }
  return 0;
}

// C0, DEL and C1: a description is one line of text, and these can rewrite a terminal line.
bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// ---- the parser ---------------------------------------------------------------------------

class ConfigParser {
 public:
  explicit ConfigParser(const std::string& path) : reader_(path) {}

  ConfigParseResult run(std::string_view text) {
    if (int line = first_overdeep_line(text)) {
      error({line, 1}, "line " + std::to_string(line) + " has more than " +
                           std::to_string(kMaxDotsPerLine) +
                           " '.' characters; keyform does not accept keys nested this deeply");
      return reader_.finish(std::nullopt);
    }
    toml::table root;
    if (!parse_toml(text, root)) return reader_.finish(std::nullopt);
    Config config;
    config.path = reader_.path();
    parse_document(root, config);
    return reader_.finish(std::move(config));
  }

 private:
  void error(SourcePos pos, std::string message) { reader_.error(pos, std::move(message)); }

  void check_fields(const toml::table& table, std::string_view noun, std::string_view where, Names allowed) {
    reader_.check_fields(table, noun, where, allowed);
  }

  const toml::value<std::string>* string_field(const toml::table& table, std::string_view name,
                                               std::string_view expected) {
    return reader_.string_field(table, name, expected);
  }

  const toml::table* table_field(const toml::node& node, std::string_view name) {
    return reader_.table_field(node, name);
  }

  // toml++ reports the first syntax error only; nothing else can be checked without a tree.
  bool parse_toml(std::string_view text, toml::table& root) {
    try {
      root = toml::parse(text);
      return true;
    } catch (const toml::parse_error& err) {
      std::string description(err.description());
      if (!description.empty() && description[0] >= 'A' && description[0] <= 'Z') {
        description[0] = static_cast<char>(description[0] - 'A' + 'a');
      }
      error(pos_of(err.source()), "invalid TOML: " + description);
    } catch (const std::exception& err) {
      error({}, std::string("could not parse the file: ") + err.what());
    }
    return false;
  }

  void parse_document(const toml::table& root, Config& config) {
    check_fields(root, "top-level key", "", kTopLevelFields);
    parse_target(root, config.target);
    if (const toml::node* policy = root.get("policy")) parse_policy(*policy, config.policy);
    if (const toml::node* keys = root.get("keys")) parse_keys(*keys, config.keys);
    if (const toml::node* accounts = root.get("service_accounts")) {
      parse_service_accounts(reader_, *accounts, config.service_accounts);
    }
    check_service_account_family(reader_, config);
  }

  // ---- [target] ----

  void parse_target(const toml::table& root, Target& target) {
    const toml::node* node = root.get("target");
    if (node == nullptr) {
      error({1, 1}, "missing [target] table (expected [target] with api and org_id)");
      return;
    }
    const toml::table* table = table_field(*node, "target");
    if (table == nullptr) return;
    check_fields(*table, "field", " in [target]", kTargetFields);
    SourcePos table_pos = pos_of(*table);
    parse_api(*table, table_pos, target);
    parse_org_id(*table, table_pos, target);
    parse_base_url(*table, target);
  }

  void parse_api(const toml::table& table, SourcePos table_pos, Target& target) {
    if (!table.contains("api")) {
      error(table_pos, "missing api in [target] (" + one_of(kApis) + ")");
      return;
    }
    const auto* api = string_field(table, "api", one_of(kApis));
    if (api == nullptr) return;
    target.api_pos = pos_of(*api);
    if (contains(kApis, api->get())) {
      target.api = api->get();
    } else {
      error(target.api_pos, "unknown api " + quote(api->get()) + " (" + one_of(kApis) + ")");
    }
  }

  void parse_org_id(const toml::table& table, SourcePos table_pos, Target& target) {
    if (!table.contains("org_id")) {
      error(table_pos, "missing org_id in [target] (expected 24 lowercase hex digits)");
      return;
    }
    const auto* org_id = string_field(table, "org_id", "24 lowercase hex digits");
    if (org_id == nullptr) return;
    target.org_id_pos = pos_of(*org_id);
    if (is_object_id(org_id->get())) {
      target.org_id = org_id->get();
    } else {
      error(target.org_id_pos,
            "org_id " + quote(org_id->get()) + " is not an id (expected 24 lowercase hex digits)");
    }
  }

  void parse_base_url(const toml::table& table, Target& target) {
    const auto* base_url = string_field(table, "base_url", "a URL like https://cloud.mongodb.com");
    if (base_url == nullptr) return;
    const std::string& url = base_url->get();
    target.base_url_pos = pos_of(*base_url);
    const BaseUrlCheck check = check_base_url(url);
    if (check == BaseUrlCheck::malformed) {
      error(target.base_url_pos, "base_url " + quote(url) +
                                     " is not a valid URL (expected scheme://host[:port][/path], "
                                     "e.g. \"https://cloud.mongodb.com\")");
      return;
    }
    if (check == BaseUrlCheck::insecure) {
      error(target.base_url_pos,
            "base_url must use https (plain http is accepted only for loopback hosts), found " +
                quote(url));
      return;
    }
    // One trailing slash is dropped so API paths can be appended uniformly.
    target.base_url = url.ends_with('/') ? url.substr(0, url.size() - 1) : url;
  }

  // ---- [policy] ----

  void parse_policy(const toml::node& node, Policy& policy) {
    const toml::table* table = table_field(node, "policy");
    if (table == nullptr) return;
    check_fields(*table, "field", " in [policy]", kPolicyFields);
    parse_undeclared(*table, "undeclared_keys", policy.undeclared_keys);
    policy.undeclared_service_accounts_pos =
        parse_undeclared(*table, "undeclared_service_accounts", policy.undeclared_service_accounts);
    if (const toml::node* keys = table->get("protected_keys")) {
      parse_protected_keys(*keys, policy.protected_keys);
    }
    if (const toml::node* max = table->get("max_destroy")) parse_max_destroy(*max, policy.max_destroy);
    policy.secret_rotation_days = reader_.positive_int_field(*table, "secret_rotation_days", kMaxSecretRotationDays,
                                                             policy.secret_rotation_days_pos);
  }

  // undeclared_keys or undeclared_service_accounts; returns where the value is, when it is there.
  SourcePos parse_undeclared(const toml::table& table, std::string_view field, UndeclaredPolicy& out) {
    const auto* text = string_field(table, field, one_of(kUndeclaredPolicies));
    if (text == nullptr) return {};
    const std::string& value = text->get();
    if (value == "ignore") {
      out = UndeclaredPolicy::ignore;
    } else if (value == "unassign") {
      out = UndeclaredPolicy::unassign;
    } else if (value == "delete") {
      out = UndeclaredPolicy::remove;
    } else {
      error(pos_of(*text),
            "unknown " + std::string(field) + " " + quote(value) + " (" + one_of(kUndeclaredPolicies) + ")");
    }
    return pos_of(*text);
  }

  void parse_protected_keys(const toml::node& node, std::vector<std::string>& out) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      error(pos_of(node),
            "protected_keys must be an array of strings (public keys or ids), found " +
                describe(node));
      return;
    }
    std::map<std::string, int, std::less<>> first_line;
    for (const toml::node& entry : *array) {
      const auto* text = entry.as_string();
      SourcePos pos = pos_of(entry);
      if (text == nullptr) {
        error(pos, "each protected_keys entry must be a string (a public key or id), found " +
                       describe(entry));
      } else if (!is_token(text->get())) {
        error(pos, "protected_keys entry " + quote(text->get()) +
                       " is not a key (expected a non-empty public key or id without whitespace)");
      } else if (looks_like_client_id(text->get()) && !is_client_id(text->get())) {
        error(pos, "protected_keys entry " + quote(text->get()) +
                       " is not a service account client id (expected mdb_sa_id_ followed by 24 hex digits)");
      } else if (auto [it, added] = first_line.emplace(text->get(), pos.line); !added) {
        error(pos, "protected_keys lists " + quote(text->get()) + " twice (first at line " +
                       std::to_string(it->second) + ")");
      } else {
        out.push_back(text->get());
      }
    }
  }

  void parse_max_destroy(const toml::node& node, std::optional<int>& out) {
    const auto* number = node.as_integer();
    SourcePos pos = pos_of(node);
    if (number == nullptr) {
      error(pos, "max_destroy must be a non-negative integer, found " + describe(node));
      return;
    }
    std::int64_t value = number->get();
    if (value < 0) {
      error(pos, "max_destroy must not be negative, found " + std::to_string(value) +
                     " (expected 0 or more)");
    } else if (value > INT_MAX) {
      error(pos, "max_destroy " + std::to_string(value) + " is too large (expected at most " +
                     std::to_string(INT_MAX) + ")");
    } else {
      out = static_cast<int>(value);
    }
  }

  // ---- [[keys]] ----

  void parse_keys(const toml::node& node, std::vector<DeclaredKey>& keys) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      error(pos_of(node), "keys must be an array of tables (write each key as [[keys]]), found " +
                              describe(node));
      return;
    }
    keys.reserve(array->size());  // 10 000 keys: no relocation of every DeclaredKey at each growth
    for (const toml::node& entry : *array) {
      if (const toml::table* table = entry.as_table()) {
        keys.push_back(parse_key(*table));
      } else {
        error(pos_of(entry),
              "each keys entry must be a table ([[keys]]), found " + describe(entry));
      }
    }
    check_duplicate_keys(keys);
  }

  DeclaredKey parse_key(const toml::table& entry) {
    DeclaredKey key;
    key.pos = pos_of(entry);
    check_fields(entry, "field", " in [[keys]]", kKeyFields);
    parse_key_identity(entry, key);
    parse_key_desc(entry, key);
    // Named by neither id nor public key: the description is the key's name (and a key with that
    // description that does not exist yet is created).
    if (!entry.contains("id") && !entry.contains("public_key") && !entry.contains("desc")) {
      error(key.pos, "key has neither id nor public_key nor desc (name an existing key by id or public_key, or "
                     "give it a desc: the key with that description, created when the org has none)");
    }
    const std::optional<KeyState> state = reader_.parse_state(entry);
    if (state) key.state = *state;
    const EntrySubject subject{key_name(key), "key", "keys", state};
    reader_.parse_access_fields(entry, subject, {&key.projects, &key.org_roles, &key.access_list,
                                                 &key.org_roles_pos, &key.access_list_pos});
    return key;
  }

  void parse_key_desc(const toml::table& entry, DeclaredKey& key) {
    const auto* desc = string_field(entry, "desc", "1 to 250 characters");
    if (desc == nullptr) return;
    key.desc_pos = pos_of(*desc);
    if (auto problem = desc_problem(desc->get())) {
      error(key.desc_pos, *problem);
    } else {
      key.desc = desc->get();
    }
  }

  void parse_key_identity(const toml::table& entry, DeclaredKey& key) {
    bool has_id = entry.contains("id");
    bool has_public_key = entry.contains("public_key");
    if (has_id && has_public_key) {
      error(key.pos, "key sets both id and public_key (expected one of the two, or neither and a desc to name the "
                     "key by its description)");
    }
    if (const auto* id = string_field(entry, "id", "24 lowercase hex digits")) {
      if (is_object_id(id->get())) {
        key.id = id->get();
      } else {
        error(pos_of(*id),
              "key id " + quote(id->get()) + " is not an id (expected 24 lowercase hex digits)");
      }
    }
    if (const auto* public_key = string_field(entry, "public_key", "the key's public key")) {
      if (is_token(public_key->get())) {
        key.public_key = public_key->get();
      } else {
        error(pos_of(*public_key),
              "public_key " + quote(public_key->get()) +
                  " is not a public key (expected a non-empty string without whitespace)");
      }
    }
  }

  static std::string key_name(const DeclaredKey& key) {
    return key.label().empty() ? "this key" : "key " + quote(key.label());
  }

  // Two entries for one key would give it two desired states; the second is the mistake.
  void check_duplicate_keys(const std::vector<DeclaredKey>& keys) {
    std::map<std::string, int> first_by_id;
    std::map<std::string, int> first_by_public_key;
    for (const DeclaredKey& key : keys) {
      check_duplicate(key, "id", key.id, first_by_id);
      check_duplicate(key, "public_key", key.public_key, first_by_public_key);
    }
    check_descs_identify(keys);
  }

  // A key named by its description must be the only entry with that description: otherwise two
  // entries could mean one key, or the plan could not tell which one to create.
  void check_descs_identify(const std::vector<DeclaredKey>& keys) {
    std::map<std::string, const DeclaredKey*> first_by_desc;
    for (const DeclaredKey& key : keys) {
      if (!key.desc) continue;
      auto [it, added] = first_by_desc.emplace(*key.desc, &key);
      if (added || !(key.by_desc() || it->second->by_desc())) continue;
      error(key.desc_pos, "desc " + quote(*key.desc) + " is also the desc of the [[keys]] entry at line " +
                              std::to_string(it->second->pos.line) +
                              ": a key named by its description needs a desc no other entry has");
    }
  }

  void check_duplicate(const DeclaredKey& key, std::string_view field, const std::string& value,
                       std::map<std::string, int>& first_line) {
    if (value.empty()) return;
    auto [it, added] = first_line.emplace(value, key.pos.line);
    if (added) return;
    error(key.pos, "key " + quote(value) + " is declared twice (" + std::string(field) +
                       " already used by the [[keys]] entry at line " + std::to_string(it->second) +
                       ")");
  }

  ConfigReader reader_;
};

}  // namespace

std::string_view to_string(UndeclaredPolicy policy) {
  switch (policy) {
    case UndeclaredPolicy::ignore:
      return "ignore";
    case UndeclaredPolicy::unassign:
      return "unassign";
    case UndeclaredPolicy::remove:
      return "delete";  // the spelling users write in the file
  }
  return "ignore";
}

std::optional<std::string> desc_problem(std::string_view desc) {
  const std::optional<std::vector<char32_t>> chars = decode_utf8(desc);
  if (!chars) return "desc is not valid UTF-8";
  if (chars->empty()) {
    return "desc must not be empty (expected 1 to 250 characters; remove desc to leave the "
           "key's description as it is)";
  }
  if (chars->size() > kMaxDescChars) {
    return "desc is " + std::to_string(chars->size()) + " characters long (the API accepts at most " +
           std::to_string(kMaxDescChars) + ")";
  }
  auto control = std::find_if(chars->begin(), chars->end(), is_control);
  if (control == chars->end()) return std::nullopt;
  return "desc contains the control character " + code_point_name(*control) + " at character " +
         std::to_string(control - chars->begin() + 1) + " (expected one line of printable text)";
}

std::string format_error(const ConfigError& error) {
  if (error.pos.line == 0) return error.path + ": " + error.message;
  return error.path + ":" + std::to_string(error.pos.line) + ":" +
         std::to_string(error.pos.column) + ": " + error.message;
}

ConfigParseResult parse_config(std::string_view text, const std::string& path) {
  try {
    return ConfigParser(path).run(text);
  } catch (const std::exception& err) {
    // Only allocation failure can get here; the contract is that nothing escapes.
    ConfigParseResult result;
    result.errors.push_back({path, {}, std::string("could not parse the file: ") + err.what()});
    return result;
  }
}

}  // namespace keyform
