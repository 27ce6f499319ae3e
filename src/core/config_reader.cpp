// The parts of keyform.toml parsing that every section uses. Every check records an error and
// carries on instead of stopping, so a user fixing a config sees all of its problems in one run.
#include "core/config_reader.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>
#include <sstream>
#include <tuple>

#include "core/cidr.h"
#include "core/ids.h"
#include "core/roles.h"
#include "core/text.h"

namespace keyform {
namespace {

// Values are echoed in messages; very long ones would bury the message itself.
constexpr std::size_t kMaxQuotedBytes = 80;

// Cuts at a UTF-8 character boundary so the quoted text stays valid UTF-8.
std::string_view shorten(std::string_view text) {
  if (text.size() <= kMaxQuotedBytes) return text;
  std::size_t end = kMaxQuotedBytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

int clamp_index(toml::source_index index) {
  return index > static_cast<toml::source_index>(INT_MAX) ? INT_MAX : static_cast<int>(index);
}

// 24 hex digits in any case: the user meant an id, even when is_object_id rejects the case.
bool looks_like_object_id(std::string_view text) {
  return text.size() == 24 && std::all_of(text.begin(), text.end(), is_hex_digit);
}

bool before(const ConfigError& a, const ConfigError& b) {
  return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
}

struct SeenEntry {
  std::string spelling;
  SourcePos pos;
};

// Entries are compared by value, so two spellings of one network are a duplicate too.
std::string duplicate_entry_message(const std::string& spelling, const SeenEntry& first,
                                    const IpNetwork& network) {
  if (spelling == first.spelling) {
    return "access_list lists " + quote(spelling) + " twice (first at " + where(first.pos) + ")";
  }
  return "access_list lists " + network.to_string() + " twice: " + quote(spelling) + " and " +
         quote(first.spelling) + " (at " + where(first.pos) + ") are the same entry";
}

bool parse_access_entry(ConfigReader& reader, const toml::node& node, std::map<IpNetwork, SeenEntry>& seen) {
  const SourcePos pos = pos_of(node);
  const auto* text = node.as_string();
  if (text == nullptr) {
    reader.error(pos, "each access_list entry must be a string like \"203.0.113.7\" or "
                      "\"198.51.100.0/24\", found " + describe(node));
    return false;
  }
  IpNetworkParse parsed = parse_ip_network(text->get());
  if (!parsed.network) {
    reader.error(pos, "access_list entry " + parsed.error);
    return false;
  }
  auto [it, added] = seen.emplace(*parsed.network, SeenEntry{text->get(), pos});
  if (!added) {
    reader.error(pos, duplicate_entry_message(text->get(), it->second, *parsed.network));
    return false;
  }
  return true;
}

}  // namespace

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

SourcePos pos_of(const toml::source_region& region) {
  return {clamp_index(region.begin.line), clamp_index(region.begin.column)};
}
SourcePos pos_of(const toml::node& node) { return pos_of(node.source()); }
SourcePos pos_of(const toml::key& key) { return pos_of(key.source()); }

std::string where(SourcePos pos) {
  return "line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column);
}

// Errors are found table by table (and toml++ iterates tables in key order, not file order), so
// sort them by position; the sort is stable to keep same-spot errors in order.
ConfigParseResult ConfigReader::finish(std::optional<Config> config) {
  std::stable_sort(errors_.begin(), errors_.end(), before);
  std::stable_sort(warnings_.begin(), warnings_.end(), before);
  ConfigParseResult result;
  if (config) config->warnings = std::move(warnings_);
  if (errors_.empty()) result.config = std::move(config);
  result.errors = std::move(errors_);
  return result;
}

void ConfigReader::check_fields(const toml::table& table, std::string_view noun, std::string_view where,
                                Names allowed) {
  for (auto&& [key, value] : table) {
    if (contains(allowed, key.str())) continue;
    error(pos_of(key), "unknown " + std::string(noun) + " " + quote(key.str()) + std::string(where) + " (" +
                           one_of(allowed) + ")");
  }
}

const toml::value<std::string>* ConfigReader::string_field(const toml::table& table, std::string_view name,
                                                           std::string_view expected) {
  const toml::node* node = table.get(name);
  if (node == nullptr) return nullptr;
  if (const auto* text = node->as_string()) return text;
  error(pos_of(*node),
        std::string(name) + " must be a string (" + std::string(expected) + "), found " + describe(*node));
  return nullptr;
}

const toml::table* ConfigReader::table_field(const toml::node& node, std::string_view name) {
  if (const auto* table = node.as_table()) return table;
  error(pos_of(node), std::string(name) + " must be a table ([" + std::string(name) + "]), found " +
                          describe(node));
  return nullptr;
}

std::optional<int> ConfigReader::positive_int_field(const toml::table& table, std::string_view name, int max,
                                                    SourcePos& pos) {
  const toml::node* node = table.get(name);
  if (node == nullptr) return std::nullopt;
  pos = pos_of(*node);
  const std::string range = "expected an integer from 1 to " + std::to_string(max);
  const auto* number = node->as_integer();
  if (number == nullptr) {
    error(pos, std::string(name) + " must be a positive integer (" + range + "), found " + describe(*node));
    return std::nullopt;
  }
  const std::int64_t value = number->get();
  if (value < 1 || value > max) {
    error(pos, std::string(name) + " is " + std::to_string(value) + " (" + range + ")");
    return std::nullopt;
  }
  return static_cast<int>(value);
}

std::optional<KeyState> ConfigReader::parse_state(const toml::table& entry) {
  if (!entry.contains("state")) return KeyState::present;
  constexpr std::string_view kStates[] = {"present", "absent"};
  const auto* state = string_field(entry, "state", one_of(kStates));
  if (state == nullptr) return std::nullopt;
  if (state->get() == "present") return KeyState::present;
  if (state->get() == "absent") return KeyState::absent;
  error(pos_of(*state), "unknown state " + quote(state->get()) + " (" + one_of(kStates) + ")");
  return std::nullopt;
}

void ConfigReader::parse_access_fields(const toml::table& entry, const EntrySubject& subject,
                                       const AccessFields& out) {
  parse_projects(entry, subject, *out.projects);
  parse_org_roles(entry, subject, out);
  parse_access_list(entry, subject, out);
}

// ---- projects ----

void ConfigReader::parse_projects(const toml::table& entry, const EntrySubject& subject,
                                  std::vector<DeclaredProject>& out) {
  auto found = entry.find("projects");
  if (found == entry.end()) {
    if (subject.present()) {
      error(pos_of(entry), subject.name + " has no [" + subject.section +
                               ".projects] table; write `projects = {}` to remove it from every project, "
                               "or state = \"absent\" to delete it");
    }
    return;
  }
  if (refused_on_absent(found->first, "a projects table", "projects", subject)) return;
  const toml::table* table = found->second.as_table();
  if (table == nullptr) {
    error(pos_of(found->second), "projects of " + subject.name +
                                     " must be a table of \"project\" = [roles], found " +
                                     describe(found->second));
    return;
  }
  out.reserve(table->size());
  for (auto&& [ref, roles] : *table) {
    if (auto project = parse_project(ref, roles, subject)) out.push_back(std::move(*project));
  }
  // toml++ iterates in key order; keep the order the user wrote.
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
}

// An absent entry is deleted, so an attribute to manage on it contradicts its state.
bool ConfigReader::refused_on_absent(const toml::key& field, std::string_view what, std::string_view name,
                                     const EntrySubject& subject) {
  if (!subject.absent()) return false;
  error(pos_of(field), subject.name + " has state = \"absent\" but also " + std::string(what) + " (an absent " +
                           subject.noun + " is deleted; remove its " + std::string(name) + ")");
  return true;
}

std::optional<DeclaredProject> ConfigReader::parse_project(const toml::key& ref, const toml::node& roles,
                                                           const EntrySubject& subject) {
  DeclaredProject project;
  project.ref = std::string(ref.str());
  project.pos = pos_of(ref);
  bool ref_ok = check_project_ref(project);
  std::optional<std::vector<std::string>> parsed = parse_roles(roles, project.ref, subject);
  if (!ref_ok || !parsed) return std::nullopt;
  project.roles = std::move(*parsed);
  return project;
}

// 24 lowercase hex digits is a project id; anything else names a project. Upper-case hex of that
// length is almost certainly a mangled id, and would fail confusingly as a name lookup.
bool ConfigReader::check_project_ref(const DeclaredProject& project) {
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

std::optional<std::vector<std::string>> ConfigReader::parse_roles(const toml::node& node, const std::string& ref,
                                                                  const EntrySubject& subject) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    error(pos_of(node), "roles of project " + quote(ref) +
                            " must be an array of strings like [\"GROUP_READ_ONLY\"], found " + describe(node));
    return std::nullopt;
  }
  if (array->empty()) {
    error(pos_of(node), "project " + quote(ref) +
                            " has an empty role list (expected at least one role, e.g. "
                            "[\"GROUP_READ_ONLY\"]; to unassign the " +
                            subject.noun + ", remove the project's entry)");
    return std::nullopt;
  }
  std::vector<std::string> roles;
  bool ok = true;
  for (const toml::node& entry : *array) ok = parse_role(entry, ref, roles) && ok;
  if (!ok) return std::nullopt;
  std::sort(roles.begin(), roles.end());
  return roles;
}

bool ConfigReader::parse_role(const toml::node& node, const std::string& ref, std::vector<std::string>& roles) {
  const auto* text = node.as_string();
  if (text == nullptr) {
    error(pos_of(node), "each role of project " + quote(ref) +
                            " must be a string like \"GROUP_READ_ONLY\", found " + describe(node));
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
  if (auto warning = undocumented_role_warning(role)) warn(pos_of(node), *warning + " (project " + quote(ref) + ")");
  roles.push_back(role);
  return true;
}

// ---- org_roles ----

void ConfigReader::parse_org_roles(const toml::table& entry, const EntrySubject& subject, const AccessFields& out) {
  auto found = entry.find("org_roles");
  if (found == entry.end()) return;
  if (refused_on_absent(found->first, "org_roles", "org_roles", subject)) return;
  const SourcePos pos = *out.org_roles_pos = pos_of(found->second);
  const toml::array* array = found->second.as_array();
  if (array == nullptr) {
    error(pos, "org_roles of " + subject.name + " must be an array of strings like [\"ORG_MEMBER\"], found " +
                   describe(found->second));
    return;
  }
  if (array->empty()) {
    error(pos, "org_roles of " + subject.name +
                   " is empty (expected at least one role, e.g. [\"ORG_MEMBER\"]; remove org_roles to leave the " +
                   subject.noun + "'s org roles as they are)");
    return;
  }
  std::map<std::string, SourcePos> seen;
  bool ok = true;
  for (const toml::node& role : *array) ok = parse_org_role(role, subject, seen) && ok;
  if (!ok) return;
  out.org_roles->emplace();
  for (const auto& role_seen : seen) (*out.org_roles)->push_back(role_seen.first);  // sorted by the map
}

bool ConfigReader::parse_org_role(const toml::node& node, const EntrySubject& subject,
                                  std::map<std::string, SourcePos>& seen) {
  const SourcePos pos = pos_of(node);
  const auto* text = node.as_string();
  if (text == nullptr) {
    error(pos, "each org role of " + subject.name + " must be a string like \"ORG_MEMBER\", found " +
                   describe(node));
    return false;
  }
  const std::string& role = text->get();
  if (!is_org_role(role)) {
    const std::string hint = is_project_role(role) ? "; project roles belong in [" + subject.section + ".projects])" : ")";
    error(pos, "invalid org role " + quote(role) + " for " + subject.name +
                   " (expected \"ORG_\" followed by capital letters and underscores, e.g. \"ORG_MEMBER\"" + hint);
    return false;
  }
  if (auto [it, added] = seen.emplace(role, pos); !added) {
    error(pos, "org role " + quote(role) + " is listed twice for " + subject.name + " (first at " +
                   where(it->second) + ")");
    return false;
  }
  if (auto warning = undocumented_org_role_warning(role)) {
    warn(pos, *warning + " (org_roles of " + subject.name + ")");
  }
  return true;
}

// ---- access_list ----

void ConfigReader::parse_access_list(const toml::table& entry, const EntrySubject& subject,
                                     const AccessFields& out) {
  auto found = entry.find("access_list");
  if (found == entry.end()) return;
  if (refused_on_absent(found->first, "an access_list", "access_list", subject)) return;
  const SourcePos pos = *out.access_list_pos = pos_of(found->second);
  const toml::array* array = found->second.as_array();
  if (array == nullptr) {
    error(pos, "access_list of " + subject.name +
                   " must be an array of strings like [\"203.0.113.7\", \"198.51.100.0/24\"], found " +
                   describe(found->second));
    return;
  }
  std::map<IpNetwork, SeenEntry> seen;
  bool ok = true;
  for (const toml::node& node : *array) ok = parse_access_entry(*this, node, seen) && ok;
  if (!ok) return;
  std::vector<std::string> entries;
  for (const auto& network_seen : seen) entries.push_back(network_seen.first.to_string());
  std::sort(entries.begin(), entries.end());  // as strings, the order the planner compares in
  *out.access_list = std::move(entries);
}

}  // namespace keyform
