#include "core/export.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

#include "core/cidr.h"
#include "core/config.h"
#include "core/escape.h"
#include "core/ids.h"
#include "core/service_account_config.h"
#include "core/service_account_text.h"
#include "core/text.h"

namespace keyform {
namespace {

// The config parser refuses lines with more than 256 '.' (a guard against deeply dotted keys);
// strings with many dots spell them \u002E so that no exported line comes near that limit.
constexpr std::size_t kMaxLiteralDots = 64;
// An access list longer than this on one line is written one entry per line (which also keeps an
// IPv4 list far below the parser's 256-dot line limit).
constexpr std::size_t kMaxListLine = 100;

// Length of the valid UTF-8 sequence at text[i], or 0 when it is not one (overlong forms,
// surrogates and code points above U+10FFFF are invalid too).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  std::size_t length = 0;
  unsigned int code = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
    code = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    code = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    code = c & 0x07;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  if ((length == 3 && code < 0x800) || (length == 4 && (code < 0x10000 || code > 0x10FFFF))) return 0;
  if (code >= 0xD800 && code <= 0xDFFF) return 0;
  return length;
}

std::string comment_text(std::string_view text) {
  // A comment may hold any printable text but no control character; quoting reuses the
  // string escapes, which are also readable.
  return toml_string(text);
}

// "# WHAT not written: WHY". Every part of WHY that comes from the API goes through quoted_for_comment(), so
// a line break or control character in it cannot end the comment early and forge a line.
std::string omission_comment(std::string_view what, std::string_view why) {
  return "# " + std::string(what) + " not written: " + std::string(why) + "\n";
}

std::string quoted_for_comment(std::string_view text) { return "\"" + escape_text(text) + "\""; }

// How an access-list entry is written: a host address without its /32 or /128 (the parser reads
// both spellings as one value), a network as its canonical CIDR.
std::string entry_spelling(const IpNetwork& network) {
  return network.is_host() ? network.address() : network.to_string();
}

// The live entries as networks in address order, or the first one the file could not hold.
struct ParsedEntries {
  std::vector<IpNetwork> networks;
  std::optional<std::string> bad;  // the first entry that does not parse ("" included)
};

ParsedEntries parse_entries(const std::vector<std::string>& entries) {
  ParsedEntries out;
  for (const auto& entry : entries) {
    IpNetworkParse parsed = parse_ip_network(entry);
    if (!parsed.network) return {{}, entry};
    out.networks.push_back(*parsed.network);
  }
  std::sort(out.networks.begin(), out.networks.end());  // 10.0.0.2 before 10.0.0.10
  return out;
}

struct ProjectRef {
  std::string key;      // the TOML key: id or name
  std::string comment;  // the other of the two, for the reader
};

class Exporter {
 public:
  Exporter(const LiveState& live, const ExportOptions& options) : live_(live), options_(options) {
    for (const auto& p : live.projects) names_[p.id] = p.name;
  }

  std::string run() {
    std::string out;
    header(out);
    target(out);
    policy(out);
    std::vector<const LiveKey*> keys;
    for (const auto& k : live_.keys) keys.push_back(&k);
    std::sort(keys.begin(), keys.end(), [](const LiveKey* a, const LiveKey* b) {
      return std::tie(a->public_key, a->id) < std::tie(b->public_key, b->id);
    });
    std::map<std::string, int> public_key_count;
    for (const auto* k : keys) ++public_key_count[k->public_key];
    for (const auto* k : keys) key(out, *k, public_key_count[k->public_key] == 1);
    if (live_.service_accounts_read) service_accounts(out);
    return out;
  }

  // The entry `keyform export --mirror-key` prints: a service account named `name`, to be created,
  // with the key's org roles, projects and access list.
  std::string mirror(const LiveKey& k, const std::string& name) const {
    std::string out = "# A service account with the access of API key " + quoted_for_comment(k.public_key) + " (id " +
                      k.id + "). Add it, review the plan (it creates\n# the account and delivers its first secret), "
                      "move the key's consumers to it, then set state = \"absent\" on the key.\n";
    out += "[[service_accounts]]\nname = " + toml_string(name) + "\n";
    mirrored_description(out, k);
    org_roles(out, k.org_roles);
    if (service_account_access_lists()) {
      access_list(out, k.access_list);
    } else if (k.access_list && !k.access_list->empty()) {
      out += omission_comment("access_list", options_.api + " documents no access list for service accounts; the key has " +
                                                 std::to_string(k.access_list->size()) + " entries");
    }
    out += "# secret_expires_after_hours = 2160   # the first secret's lifetime (the default)\n";
    projects(out, "service_accounts", k.project_roles);
    return out;
  }

 private:
  // Only atlas-v2 documents access lists for service accounts (cloud-manager: none).
  bool service_account_access_lists() const { return options_.api == "atlas-v2"; }

  void service_accounts(std::string& out) const {
    std::vector<const LiveServiceAccount*> accounts;
    for (const auto& a : live_.service_accounts) accounts.push_back(&a);
    std::sort(accounts.begin(), accounts.end(), [](const LiveServiceAccount* a, const LiveServiceAccount* b) {
      return std::tie(a->name, a->client_id) < std::tie(b->name, b->client_id);
    });
    std::map<std::string, int> name_count;
    for (const auto* a : accounts) ++name_count[a->name];
    for (const auto* a : accounts) service_account(out, *a, name_count[a->name] == 1);
  }

  void service_account(std::string& out, const LiveServiceAccount& a, bool unique_name) const {
    const std::string label = "service account " + quoted_for_comment(a.client_id);
    if (!is_client_id(a.client_id)) {
      out += omission_comment(label, "its client id is not one the file accepts (mdb_sa_id_ and 24 hex digits)") + "\n";
      return;
    }
    if (!a.project_roles) {
      out += omission_comment(label, "its project assignments were not read") + "\n";
      return;
    }
    out += "[[service_accounts]]\nclient_id = " + toml_string(a.client_id) + "\n";
    service_account_name(out, a.name, unique_name);
    service_account_description(out, a.description);
    org_roles(out, a.org_roles);
    if (service_account_access_lists()) access_list(out, a.access_list);
    projects(out, "service_accounts", *a.project_roles);
  }

  // Two entries may not share a name, and the file refuses characters the API would: such a name
  // is left out (the client id names the account) and so left alone by plans.
  static void service_account_name(std::string& out, const std::string& name, bool unique) {
    if (!unique) {
      out += omission_comment("name", "another service account of the org has the same name");
    } else if (auto problem = service_account_text_problem("name", name, kMaxServiceAccountNameChars)) {
      out += omission_comment("name", *problem);  // names code points, not the text
    } else {
      out += "name = " + toml_string(name) + "\n";
    }
  }

  static void service_account_description(std::string& out, const std::string& description) {
    if (auto problem = service_account_text_problem("description", description, kMaxServiceAccountDescriptionChars)) {
      out += omission_comment("description", *problem);
    } else {
      out += "description = " + toml_string(description) + "\n";
    }
  }

  // The key's desc fitted to the account character set; a comment says what changed and why.
  static void mirrored_description(std::string& out, const LiveKey& k) {
    std::string fitted = fit_service_account_text(k.desc, kMaxServiceAccountDescriptionChars);
    if (fitted.empty()) {
      fitted = fit_service_account_text("mirrors API key " + k.public_key, kMaxServiceAccountDescriptionChars);
      out += "# description: the key's desc " + quoted_for_comment(k.desc) +
             " has nothing a service account description may hold: say what the account is for\n";
    } else if (fitted != k.desc) {
      out += "# description: the key's desc " + quoted_for_comment(k.desc) +
             " fitted to letters, numbers, spaces and - _ . , ' (at most 250)\n";
    }
    out += "description = " + toml_string(fitted) + "\n";
  }

  void header(std::string& out) const {
    int assignments = 0;
    for (const auto& k : live_.keys) assignments += static_cast<int>(k.project_roles.size());
    out += "# keyform.toml for org " + live_.org_id + " (" + options_.api + "), exported";
    if (!options_.generator.empty()) out += " by " + options_.generator;
    out += ":\n# " + std::to_string(live_.keys.size()) + " keys, " + std::to_string(live_.projects.size()) +
           " projects, " + std::to_string(assignments) + " assignments";
    if (live_.service_accounts_read) out += ", " + std::to_string(live_.service_accounts.size()) + " service accounts";
    out += ".\n# Every key is declared with exactly the access it has now, so `keyform plan` reports no changes.\n";
    out += "# A key without access-list entries gets no access_list: plans leave its list alone.\n";
    if (live_.service_accounts_read) {
      out += "# Service accounts likewise, by client id; no secret setting is written (plans warn about expiry).\n";
    }
    out += "# Commit this file, then edit it and review each change as a plan.\n\n";
  }

  void target(std::string& out) const {
    out += "[target]\napi = " + toml_string(options_.api) + "\norg_id = " + toml_string(live_.org_id) + "\n";
    if (!options_.base_url.empty()) out += "base_url = " + toml_string(options_.base_url) + "\n";
    out += "\n";
  }

  void policy(std::string& out) const {
    out += "[policy]\n";
    out += "undeclared_keys = \"ignore\"   # every key is declared below; \"unassign\" or \"delete\" makes this\n";
    out += "                             # file the only way a key can gain access\n";
    out += "# protected_keys = [\"...\"]   # keys keyform must never touch (e.g. break-glass)\n";
    out += "# max_destroy = 10           # refuse plans that remove access more often than this\n";
    if (live_.service_accounts_read) {
      out += "undeclared_service_accounts = \"ignore\"\n";
      out += "# secret_rotation_days = 14  # rotate secrets that expire within this many days (else: warn)\n";
    }
    out += "\n";
  }

  void key(std::string& out, const LiveKey& k, bool unique_public_key) const {
    out += "[[keys]]\n";
    // The public key is what people recognise; the id is used only when the public key could not
    // name this key in a config (not a single word, or shared by two keys).
    const bool by_public_key = unique_public_key && !k.public_key.empty() &&
                               std::none_of(k.public_key.begin(), k.public_key.end(),
                                            [](char c) { return is_space(static_cast<unsigned char>(c)); });
    if (by_public_key) {
      out += "public_key = " + toml_string(k.public_key) + "   # id " + k.id + "\n";
    } else {
      out += "id = " + toml_string(k.id) + "   # public key " + comment_text(k.public_key) + "\n";
    }
    desc(out, k);
    org_roles(out, k.org_roles);
    access_list(out, k.access_list);
    projects(out, "keys", k.project_roles);
  }

  // `[TABLE.projects]` with one line per project, by id or name (ProjectRef), roles sorted; or
  // `projects = {}` for none.
  using ProjectRoles = std::map<std::string, std::vector<std::string>>;
  void projects(std::string& out, std::string_view table, const ProjectRoles& roles_by_project) const {
    if (roles_by_project.empty()) {
      out += "projects = {}   # no project access\n\n";
      return;
    }
    out += "[" + std::string(table) + ".projects]\n";
    std::vector<std::pair<ProjectRef, const std::vector<std::string>*>> rows;
    for (const auto& [project_id, roles] : roles_by_project) rows.push_back({project_ref(project_id), &roles});
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first.key < b.first.key; });
    for (const auto& [ref, roles] : rows) {
      std::vector<std::string> sorted = *roles;
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      std::string list;
      for (const auto& role : sorted) list += (list.empty() ? "" : ", ") + toml_string(role);
      out += toml_string(ref.key) + " = [" + list + "]";
      if (!ref.comment.empty()) out += "   # " + ref.comment;
      out += "\n";
    }
    out += "\n";
  }

  // A description the file would refuse is left out (and so left alone by plans), with the reason.
  static void desc(std::string& out, const LiveKey& k) {
    if (k.desc.empty()) {
      out += "# desc not written: the key has no description (the file needs 1 to 250 characters)\n";
    } else if (auto problem = desc_problem(k.desc)) {
      out += omission_comment("desc", escape_text(*problem));  // names code points, not the text
    } else {
      out += "desc = " + toml_string(k.desc) + "\n";
    }
  }

  // Written only when the key has org roles, all of them spelt as the file accepts them.
  static void org_roles(std::string& out, const std::vector<std::string>& roles) {
    if (roles.empty()) return;
    auto bad = std::find_if_not(roles.begin(), roles.end(), [](const std::string& r) { return is_org_role(r); });
    if (bad != roles.end()) {
      out += omission_comment("org_roles", "the role " + quoted_for_comment(*bad) + " is not a name the file accepts");
      return;
    }
    out += "org_roles = " + string_list(roles, false) + "\n";
  }

  // Only for keys that have entries: an empty list stays unmanaged (an entry added elsewhere is
  // not fought, and plans need not read that key's list).
  static void access_list(std::string& out, const std::optional<std::vector<std::string>>& entries) {
    if (!entries || entries->empty()) return;
    const ParsedEntries parsed = parse_entries(*entries);
    if (parsed.bad) {
      out += omission_comment("access_list", "the entry " + quoted_for_comment(*parsed.bad) + " is not an address the file accepts");
      return;
    }
    std::vector<std::string> spelled;
    for (const auto& network : parsed.networks) spelled.push_back(entry_spelling(network));
    const std::string line = string_list(spelled, false);
    out += "access_list = " + (line.size() <= kMaxListLine ? line : string_list(spelled, true)) + "\n";
  }

  // ["a", "b"], or one element per line.
  static std::string string_list(const std::vector<std::string>& items, bool one_per_line) {
    std::string list;
    for (const auto& item : items) {
      list += one_per_line ? "\n  " + toml_string(item) + "," : (list.empty() ? "" : ", ") + toml_string(item);
    }
    return "[" + list + (one_per_line ? "\n]" : "]");
  }

  ProjectRef project_ref(const std::string& project_id) const {
    auto it = names_.find(project_id);
    if (it == names_.end()) return {project_id, "not in the org's project listing"};
    if (options_.by_name && can_name_project_by_name(live_, it->second)) return {it->second, project_id};
    return {project_id, comment_text(it->second)};
  }

  const LiveState& live_;
  const ExportOptions& options_;
  std::map<std::string, std::string> names_;
};

}  // namespace

std::string toml_string(std::string_view text) {
  const bool spell_dots = std::count(text.begin(), text.end(), '.') > static_cast<long>(kMaxLiteralDots);
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const std::size_t length = utf8_sequence(text, i);
    if (length == 0) {
      out += "\\uFFFD";  // not UTF-8: TOML files are UTF-8, so the byte cannot be kept
      ++i;
      continue;
    }
    if (length > 1) {
      out.append(text.substr(i, length));
      i += length;
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04X", c);
          out += escaped;
        } else if (c == '.' && spell_dots) {
          out += "\\u002E";
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
  out += '"';
  return out;
}

bool can_name_project_by_name(const LiveState& live, std::string_view name) {
  if (name.empty()) return false;
  if (name.size() == 24 && std::all_of(name.begin(), name.end(), is_hex_digit)) return false;
  const auto count = std::count_if(live.projects.begin(), live.projects.end(),
                                   [&](const LiveProject& p) { return p.name == name; });
  return count == 1;
}

std::string export_config(const LiveState& live, const ExportOptions& options) {
  return Exporter(live, options).run();
}

KeyLookup find_key_to_mirror(const LiveState& live, std::string_view public_key) {
  std::vector<const LiveKey*> found;
  for (const auto& k : live.keys) {
    if (k.public_key == public_key) found.push_back(&k);
  }
  if (found.empty()) {  // an id is accepted too, for a public key that cannot be typed
    for (const auto& k : live.keys) {
      if (k.id == public_key) found.push_back(&k);
    }
  }
  const std::string quoted = "\"" + escape_text(public_key) + "\"";
  if (found.empty()) return {nullptr, "the org " + live.org_id + " has no API key " + quoted};
  if (found.size() > 1) {
    return {nullptr, "two keys of the org have the public key " + quoted + " (ids " + found[0]->id + " and " +
                         found[1]->id + "): name one by its id"};
  }
  return {found.front(), ""};
}

std::string mirror_key_entry(const LiveState& live, const LiveKey& key, const std::string& name,
                             const ExportOptions& options) {
  return Exporter(live, options).mirror(key, name);
}

}  // namespace keyform
