// Parses and validates keyform.toml. Every check records an error and carries on instead of
// stopping, so a user fixing a config sees all of its problems in one run, in file order.
#include "core/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <map>
#include <span>
#include <sstream>
#include <tuple>

#include "core/cidr.h"
#include "core/ids.h"
#include "core/roles.h"
#include "core/text.h"
#include "core/url.h"

namespace keyform {
namespace {

using Names = std::span<const std::string_view>;

constexpr std::string_view kTopLevelFields[] = {"target", "policy", "keys"};
constexpr std::string_view kTargetFields[] = {"api", "org_id", "base_url"};
constexpr std::string_view kPolicyFields[] = {"undeclared_keys", "protected_keys", "max_destroy"};
constexpr std::string_view kKeyFields[] = {"id",       "public_key", "desc",       "state",
                                            "projects", "org_roles",  "access_list"};
constexpr std::string_view kApis[] = {"atlas-v2", "atlas-v1", "cloud-manager", "ops-manager"};
constexpr std::string_view kUndeclaredPolicies[] = {"ignore", "unassign", "delete"};
constexpr std::string_view kKeyStates[] = {"present", "absent"};

// toml++ recurses once per dotted-key segment and overflows the stack on keys nested tens of
// thousands deep. A key path lives on one line, so bounding the dots per line bounds the depth;
// no real key comes anywhere near this. Dots inside strings are not counted (key_dots).
constexpr int kMaxDotsPerLine = 256;

// Values are echoed in messages; very long ones would bury the message itself.
constexpr std::size_t kMaxQuotedBytes = 80;

// The API's limit for a key's description (minLength 1, maxLength 250), in characters.
constexpr std::size_t kMaxDescChars = 250;

std::string join(Names names) {
  std::string out;
  for (std::string_view name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

bool contains(Names names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string one_of(Names names) { return "expected one of: " + join(names); }

// Cuts at a UTF-8 character boundary so the quoted text stays valid UTF-8.
std::string_view shorten(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return text;
  std::size_t end = kMaxQuotedBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// Double-quoted and escaped, so a value with quotes or newlines cannot break the message's line.
std::string quote(std::string_view text) {
  std::string_view shown = shorten(text);
  std::string out = "\"";
  for (unsigned char c : shown) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += shown.size() < text.size() ? "...\"" : "\"";
  return out;
}

// What the user wrote instead of what was expected, e.g. `string "10"` or `an array`.
std::string describe(const toml::node& node) {
  if (const auto* text = node.as_string()) return "string " + quote(text->get());
  if (const auto* number = node.as_integer()) return "integer " + std::to_string(number->get());
  if (const auto* flag = node.as_boolean()) return flag->get() ? "boolean true" : "boolean false";
  if (const auto* number = node.as_floating_point()) {
    std::ostringstream out;
    out << *number;
    return "float " + out.str();
  }
  if (node.is_array()) return "an array";
  if (node.is_table()) return "a table";
  return "a date/time";
}

int clamp_index(toml::source_index index) {
  return index > static_cast<toml::source_index>(INT_MAX) ? INT_MAX : static_cast<int>(index);
}

SourcePos pos_of(const toml::source_region& region) {
  return {clamp_index(region.begin.line), clamp_index(region.begin.column)};
}
SourcePos pos_of(const toml::node& node) { return pos_of(node.source()); }
SourcePos pos_of(const toml::key& key) { return pos_of(key.source()); }

// Public keys and protected-key entries: one non-empty word.
bool is_token(std::string_view text) {
  return !text.empty() && std::none_of(text.begin(), text.end(), [](char c) {
    return is_space(static_cast<unsigned char>(c));
  });
}

// 24 hex digits in any case: the user meant an id, even when is_object_id rejects the case.
bool looks_like_object_id(std::string_view text) {
  return text.size() == 24 && std::all_of(text.begin(), text.end(), is_hex_digit);
}

// The dots of one line that can separate key segments: those outside quoted strings (an access
// list holds three per IPv4 address, and they nest nothing). A line with a multi-line string
// delimiter counts every dot: keys may follow a """ that closes a string begun lines before.
int key_dots(std::string_view line) {
  if (line.find(R"(""")") != std::string_view::npos || line.find("'''") != std::string_view::npos) {
    return static_cast<int>(std::count(line.begin(), line.end(), '.'));
  }
  int dots = 0;
  char quote = 0;  // the quote of the string being scanned, or 0
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote == '"' && c == '\\') {
      ++i;  // an escape: the next character does not end the string
    } else if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
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

// The code points of valid UTF-8 text (shortest form, no surrogates), or nullopt.
std::optional<std::vector<char32_t>> code_points(std::string_view text) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const std::size_t n = lead < 0x80            ? 1
                          : (lead >> 5) == 0x6   ? 2
                          : (lead >> 4) == 0xE   ? 3
                          : (lead >> 3) == 0x1E  ? 4
                                                 : 0;  // a stray continuation or invalid byte
    if (n == 0 || i + n > text.size()) return std::nullopt;
    char32_t c = n == 1 ? lead : lead & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return std::nullopt;
      c = c << 6 | (next & 0x3F);
    }
    constexpr char32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kSmallest[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return std::nullopt;
    out.push_back(c);
    i += n;
  }
  return out;
}

// C0, DEL and C1: a description is one line of text, and these can rewrite a terminal line.
bool is_control(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

std::string code_point_name(char32_t c) {
  char name[16];
  std::snprintf(name, sizeof name, "U+%04X", static_cast<unsigned>(c));
  return name;
}

// ---- the parser ---------------------------------------------------------------------------

class ConfigParser {
 public:
  explicit ConfigParser(const std::string& path) : path_(path) {}

  ConfigParseResult run(std::string_view text) {
    if (int line = first_overdeep_line(text)) {
      error({line, 1}, "line " + std::to_string(line) + " has more than " +
                           std::to_string(kMaxDotsPerLine) +
                           " '.' characters; keyform does not accept keys nested this deeply");
      return finish(std::nullopt);
    }
    toml::table root;
    if (!parse_toml(text, root)) return finish(std::nullopt);
    Config config;
    config.path = path_;
    parse_document(root, config);
    return finish(std::move(config));
  }

 private:
  void error(SourcePos pos, std::string message) {
    errors_.push_back({path_, pos, std::move(message)});
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

  // Errors are found table by table (and toml++ iterates tables in key order, not file
  // order), so sort them by position; the sort is stable to keep same-spot errors in order.
  ConfigParseResult finish(std::optional<Config> config) {
    const auto by_position = [](const ConfigError& a, const ConfigError& b) {
      return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
    };
    std::stable_sort(errors_.begin(), errors_.end(), by_position);
    std::stable_sort(warnings_.begin(), warnings_.end(), by_position);
    ConfigParseResult result;
    if (config) config->warnings = std::move(warnings_);
    if (errors_.empty()) result.config = std::move(config);
    result.errors = std::move(errors_);
    return result;
  }

  void check_fields(const toml::table& table, std::string_view noun, std::string_view where,
                    Names allowed) {
    for (auto&& [key, value] : table) {
      if (contains(allowed, key.str())) continue;
      error(pos_of(key), "unknown " + std::string(noun) + " " + quote(key.str()) +
                             std::string(where) + " (" + one_of(allowed) + ")");
    }
  }

  // The string at table[name], or nullptr when absent or (reported) not a string.
  const toml::value<std::string>* string_field(const toml::table& table, std::string_view name,
                                               std::string_view expected) {
    const toml::node* node = table.get(name);
    if (node == nullptr) return nullptr;
    if (const auto* text = node->as_string()) return text;
    error(pos_of(*node), std::string(name) + " must be a string (" + std::string(expected) +
                             "), found " + describe(*node));
    return nullptr;
  }

  const toml::table* table_field(const toml::node& node, std::string_view name) {
    if (const auto* table = node.as_table()) return table;
    error(pos_of(node), std::string(name) + " must be a table ([" + std::string(name) +
                            "]), found " + describe(node));
    return nullptr;
  }

  void parse_document(const toml::table& root, Config& config) {
    check_fields(root, "top-level key", "", kTopLevelFields);
    parse_target(root, config.target);
    if (const toml::node* policy = root.get("policy")) parse_policy(*policy, config.policy);
    if (const toml::node* keys = root.get("keys")) parse_keys(*keys, config.keys);
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
    parse_undeclared_keys(*table, policy);
    if (const toml::node* keys = table->get("protected_keys")) {
      parse_protected_keys(*keys, policy.protected_keys);
    }
    if (const toml::node* max = table->get("max_destroy"))
      parse_max_destroy(*max, policy.max_destroy);
  }

  void parse_undeclared_keys(const toml::table& table, Policy& policy) {
    const auto* text = string_field(table, "undeclared_keys", one_of(kUndeclaredPolicies));
    if (text == nullptr) return;
    const std::string& value = text->get();
    if (value == "ignore") {
      policy.undeclared_keys = UndeclaredPolicy::ignore;
    } else if (value == "unassign") {
      policy.undeclared_keys = UndeclaredPolicy::unassign;
    } else if (value == "delete") {
      policy.undeclared_keys = UndeclaredPolicy::remove;
    } else {
      error(pos_of(*text),
            "unknown undeclared_keys " + quote(value) + " (" + one_of(kUndeclaredPolicies) + ")");
    }
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
    bool state_known = parse_key_state(entry, key);
    parse_key_projects(entry, state_known, key);
    parse_key_org_roles(entry, state_known, key);
    parse_key_access_list(entry, state_known, key);
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

  // False when the state is unusable, so checks that depend on it are skipped.
  bool parse_key_state(const toml::table& entry, DeclaredKey& key) {
    if (!entry.contains("state")) return true;
    const auto* state = string_field(entry, "state", one_of(kKeyStates));
    if (state == nullptr) return false;
    if (state->get() == "present") {
      key.state = KeyState::present;
    } else if (state->get() == "absent") {
      key.state = KeyState::absent;
    } else {
      error(pos_of(*state),
            "unknown state " + quote(state->get()) + " (" + one_of(kKeyStates) + ")");
      return false;
    }
    return true;
  }

  static std::string key_name(const DeclaredKey& key) {
    return key.label().empty() ? "this key" : "key " + quote(key.label());
  }

  void parse_key_projects(const toml::table& entry, bool state_known, DeclaredKey& key) {
    auto found = entry.find("projects");
    if (found == entry.end()) {
      if (state_known && key.state == KeyState::present) {
        error(key.pos, key_name(key) +
                           " has no [keys.projects] table; write `projects = {}` to remove it from "
                           "every project, or state = \"absent\" to delete it");
      }
      return;
    }
    if (refused_on_absent(found->first, "a projects table", "projects", state_known, key)) return;
    const toml::table* table = found->second.as_table();
    if (table == nullptr) {
      error(pos_of(found->second), "projects of " + key_name(key) +
                                       " must be a table of \"project\" = [roles], found " +
                                       describe(found->second));
      return;
    }
    for (auto&& [ref, roles] : *table) {
      if (auto project = parse_project(ref, roles)) key.projects.push_back(std::move(*project));
    }
    // toml++ iterates in key order; keep the order the user wrote.
    std::sort(key.projects.begin(), key.projects.end(), [](const auto& a, const auto& b) {
      return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
    });
  }

  // An absent key is deleted, so an attribute to manage on it contradicts its state.
  bool refused_on_absent(const toml::key& field, std::string_view what, std::string_view name,
                         bool state_known, const DeclaredKey& key) {
    if (!state_known || key.state != KeyState::absent) return false;
    error(pos_of(field), key_name(key) + " has state = \"absent\" but also " + std::string(what) +
                             " (an absent key is deleted; remove its " + std::string(name) + ")");
    return true;
  }

  std::optional<DeclaredProject> parse_project(const toml::key& ref, const toml::node& roles) {
    DeclaredProject project;
    project.ref = std::string(ref.str());
    project.pos = pos_of(ref);
    bool ref_ok = check_project_ref(project);
    std::optional<std::vector<std::string>> parsed = parse_roles(roles, project.ref);
    if (!ref_ok || !parsed) return std::nullopt;
    project.roles = std::move(*parsed);
    return project;
  }

  // 24 lowercase hex digits is a project id; anything else names a project. Upper-case hex of
  // that length is almost certainly a mangled id, and would fail confusingly as a name lookup.
  bool check_project_ref(const DeclaredProject& project) {
    if (project.ref.empty()) {
      error(project.pos, "empty project name in projects (expected a project id or name)");
      return false;
    }
    if (looks_like_object_id(project.ref) && !is_object_id(project.ref)) {
      error(project.pos, "project id " + quote(project.ref) +
                             " must be written in lowercase (expected 24 lowercase hex digits)");
      return false;
    }
    return true;
  }

  std::optional<std::vector<std::string>> parse_roles(const toml::node& node,
                                                      const std::string& ref) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
      error(pos_of(node), "roles of project " + quote(ref) +
                              " must be an array of strings like [\"GROUP_READ_ONLY\"], found " +
                              describe(node));
      return std::nullopt;
    }
    if (array->empty()) {
      error(pos_of(node),
            "project " + quote(ref) +
                " has an empty role list (expected at least one role, e.g. "
                "[\"GROUP_READ_ONLY\"]; to unassign the key, remove the project's entry)");
      return std::nullopt;
    }
    std::vector<std::string> roles;
    bool ok = true;
    for (const toml::node& entry : *array) ok = parse_role(entry, ref, roles) && ok;
    if (!ok) return std::nullopt;
    std::sort(roles.begin(), roles.end());
    return roles;
  }

  bool parse_role(const toml::node& node, const std::string& ref, std::vector<std::string>& roles) {
    const auto* text = node.as_string();
    if (text == nullptr) {
      error(pos_of(node), "each role of project " + quote(ref) +
                              " must be a string like \"GROUP_READ_ONLY\", found " +
                              describe(node));
      return false;
    }
    const std::string& role = text->get();
    if (!is_project_role(role)) {
      error(pos_of(node), "invalid role " + quote(role) + " for project " + quote(ref) +
                              " (expected \"GROUP_\" followed by capital letters and underscores, "
                              "e.g. \"GROUP_READ_ONLY\")");
      return false;
    }
    if (std::find(roles.begin(), roles.end(), role) != roles.end()) {
      error(pos_of(node), "role " + quote(role) + " is listed twice for project " + quote(ref));
      return false;
    }
    if (auto warning = undocumented_role_warning(role)) {
      warnings_.push_back({path_, pos_of(node), *warning + " (project " + quote(ref) + ")"});
    }
    roles.push_back(role);
    return true;
  }

  // ---- org_roles ----

  void parse_key_org_roles(const toml::table& entry, bool state_known, DeclaredKey& key) {
    auto found = entry.find("org_roles");
    if (found == entry.end()) return;
    if (refused_on_absent(found->first, "org_roles", "org_roles", state_known, key)) return;
    key.org_roles_pos = pos_of(found->second);
    const toml::array* array = found->second.as_array();
    if (array == nullptr) {
      error(key.org_roles_pos, "org_roles of " + key_name(key) +
                                   " must be an array of strings like [\"ORG_MEMBER\"], found " +
                                   describe(found->second));
      return;
    }
    if (array->empty()) {
      error(key.org_roles_pos, "org_roles of " + key_name(key) +
                                   " is empty (expected at least one role, e.g. [\"ORG_MEMBER\"]; "
                                   "remove org_roles to leave the key's org roles as they are)");
      return;
    }
    std::map<std::string, SourcePos> seen;
    bool ok = true;
    for (const toml::node& role : *array) ok = parse_org_role(role, key, seen) && ok;
    if (!ok) return;
    key.org_roles.emplace();
    for (const auto& entry_seen : seen) key.org_roles->push_back(entry_seen.first);  // sorted by the map
  }

  bool parse_org_role(const toml::node& node, const DeclaredKey& key, std::map<std::string, SourcePos>& seen) {
    const SourcePos pos = pos_of(node);
    const auto* text = node.as_string();
    if (text == nullptr) {
      error(pos, "each org role of " + key_name(key) + " must be a string like \"ORG_MEMBER\", found " +
                     describe(node));
      return false;
    }
    const std::string& role = text->get();
    if (!is_org_role(role)) {
      const bool project_role = is_project_role(role);
      error(pos, "invalid org role " + quote(role) + " for " + key_name(key) +
                     " (expected \"ORG_\" followed by capital letters and underscores, e.g. \"ORG_MEMBER\"" +
                     (project_role ? "; project roles belong in [keys.projects])" : ")"));
      return false;
    }
    if (auto [it, added] = seen.emplace(role, pos); !added) {
      error(pos, "org role " + quote(role) + " is listed twice for " + key_name(key) + " (first at line " +
                     std::to_string(it->second.line) + ", column " + std::to_string(it->second.column) + ")");
      return false;
    }
    if (auto warning = undocumented_org_role_warning(role)) {
      warnings_.push_back({path_, pos, *warning + " (org_roles of " + key_name(key) + ")"});
    }
    return true;
  }

  // ---- access_list ----

  struct SeenEntry {
    std::string spelling;
    SourcePos pos;
  };

  void parse_key_access_list(const toml::table& entry, bool state_known, DeclaredKey& key) {
    auto found = entry.find("access_list");
    if (found == entry.end()) return;
    if (refused_on_absent(found->first, "an access_list", "access_list", state_known, key)) return;
    key.access_list_pos = pos_of(found->second);
    const toml::array* array = found->second.as_array();
    if (array == nullptr) {
      error(key.access_list_pos,
            "access_list of " + key_name(key) +
                " must be an array of strings like [\"203.0.113.7\", \"198.51.100.0/24\"], found " +
                describe(found->second));
      return;
    }
    std::map<IpNetwork, SeenEntry> seen;
    bool ok = true;
    for (const toml::node& node : *array) ok = parse_access_entry(node, seen) && ok;
    if (!ok) return;
    std::vector<std::string> entries;
    for (const auto& network_seen : seen) entries.push_back(network_seen.first.to_string());
    std::sort(entries.begin(), entries.end());  // as strings, the order the planner compares in
    key.access_list = std::move(entries);
  }

  bool parse_access_entry(const toml::node& node, std::map<IpNetwork, SeenEntry>& seen) {
    const SourcePos pos = pos_of(node);
    const auto* text = node.as_string();
    if (text == nullptr) {
      error(pos, "each access_list entry must be a string like \"203.0.113.7\" or "
                 "\"198.51.100.0/24\", found " + describe(node));
      return false;
    }
    IpNetworkParse parsed = parse_ip_network(text->get());
    if (!parsed.network) {
      error(pos, "access_list entry " + parsed.error);
      return false;
    }
    auto [it, added] = seen.emplace(*parsed.network, SeenEntry{text->get(), pos});
    if (!added) {
      error(pos, duplicate_entry_message(text->get(), it->second, *parsed.network));
      return false;
    }
    return true;
  }

  // Entries are compared by value, so two spellings of one network are a duplicate too.
  static std::string duplicate_entry_message(const std::string& spelling, const SeenEntry& first,
                                             const IpNetwork& network) {
    const std::string where = "line " + std::to_string(first.pos.line) + ", column " +
                              std::to_string(first.pos.column);
    if (spelling == first.spelling) {
      return "access_list lists " + quote(spelling) + " twice (first at " + where + ")";
    }
    return "access_list lists " + network.to_string() + " twice: " + quote(spelling) + " and " +
           quote(first.spelling) + " (at " + where + ") are the same entry";
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

  std::string path_;
  std::vector<ConfigError> errors_;
  std::vector<ConfigError> warnings_;
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
  const std::optional<std::vector<char32_t>> chars = code_points(desc);
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
