#include "render/show.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "render/markdown_cells.h"
#include "render/quoted.h"
#include "render/show_service_accounts.h"

namespace keyform {
namespace {

using nlohmann::json;

// Above this many cells the markdown matrix folds into a <details> block.
constexpr std::size_t kFoldCells = 400;

// One view of the org, sorted for people: keys by public key, projects by name. Assignments to a
// project id missing from the project listing still appear (with an empty name).
struct Graph {
  std::vector<const LiveKey*> keys;
  std::vector<LiveProject> projects;
  std::map<std::string, std::string> names;      // project id -> name
  std::map<std::string, int> keys_per_project;   // project id -> keys assigned
  int assignments = 0;

  explicit Graph(const LiveState& live) {
    for (const auto& k : live.keys) keys.push_back(&k);
    std::sort(keys.begin(), keys.end(), [](const LiveKey* a, const LiveKey* b) {
      return std::tie(a->public_key, a->id) < std::tie(b->public_key, b->id);
    });
    std::set<std::string> ids;
    for (const auto& p : live.projects) {
      if (ids.insert(p.id).second) projects.push_back(p);
      names[p.id] = p.name;
    }
    for (const auto& k : live.keys) {
      for (const auto& [project_id, _] : k.project_roles) {
        ++assignments;
        ++keys_per_project[project_id];
        if (ids.insert(project_id).second) projects.push_back({project_id, ""});
      }
    }
    std::sort(projects.begin(), projects.end(),
              [](const LiveProject& a, const LiveProject& b) { return std::tie(a.name, a.id) < std::tie(b.name, b.id); });
  }

  std::string name_of(const std::string& id) const {
    auto it = names.find(id);
    return it == names.end() ? std::string() : it->second;
  }

  // A key's assignments in project display order.
  std::vector<std::pair<const LiveProject*, const std::vector<std::string>*>> assignments_of(const LiveKey& k) const {
    std::vector<std::pair<const LiveProject*, const std::vector<std::string>*>> out;
    for (const auto& p : projects) {
      auto it = k.project_roles.find(p.id);
      if (it != k.project_roles.end()) out.push_back({&p, &it->second});
    }
    return out;
  }
};

// Service accounts are counted only when they were read: "0" would claim there are none.
std::string summary_line(const LiveState& live, const Graph& g) {
  std::string out = fmt::format("{} keys, {} projects, {} assignments", live.keys.size(), g.projects.size(), g.assignments);
  if (live.service_accounts_read) out += fmt::format(", {} service accounts", live.service_accounts.size());
  return out;
}

// Names, descs, ids and roles come from the API: escaped for the terminal or for markdown, so none
// can start a new line, carry a terminal escape or break a table.
std::string project_label(const LiveProject& p) {
  const std::string id = escape_text(p.id);
  return p.name.empty() ? fmt::format("(not in the project listing) ({})", id)
                        : fmt::format("{} ({})", escape_text(p.name), id);
}

std::string comma_list(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& r : roles) out += (out.empty() ? "" : ", ") + escape_text(r);
  return out;
}

// Roles in a stable order whatever order the listing gave them in.
std::vector<std::string> sorted(const std::vector<std::string>& roles) {
  std::vector<std::string> out = roles;
  std::sort(out.begin(), out.end());
  return out;
}

std::string short_role(const std::string& role) { return role.starts_with("GROUP_") ? role.substr(6) : role; }

// Whether the access lists were read (show --access-lists): then every key has one, maybe empty.
bool any_access_list(const Graph& g) {
  return std::any_of(g.keys.begin(), g.keys.end(), [](const LiveKey* k) { return k->access_list.has_value(); });
}

// The lines under a key's heading that describe the key itself, before its projects.
std::string key_attribute_lines(const LiveKey& k) {
  std::string out = fmt::format("    org roles: {}\n", k.org_roles.empty() ? "none" : comma_list(sorted(k.org_roles)));
  if (k.access_list) {
    out += fmt::format("    access list: {}\n", k.access_list->empty() ? "empty" : comma_list(*k.access_list));
  }
  return out;
}

std::string access_list_cell(const LiveKey& k) {
  return k.access_list ? md_list(*k.access_list, "empty") : std::string("not read");
}

}  // namespace

std::string render_show_text(const LiveState& live, const PlanTarget& target, bool color) {
  const Graph g(live);
  const auto bold = [&](const std::string& t) { return color ? "\033[1m" + t + "\033[0m" : t; };
  const auto dim = [&](const std::string& t) { return color ? "\033[2m" + t + "\033[0m" : t; };
  std::string out = fmt::format("Org {} ({}, {}): {}.\n", escape_text(target.org_id), escape_text(target.api),
                                escape_text(target.base_url), summary_line(live, g));
  out += "\n" + bold("Keys") + "\n";
  for (const auto* k : g.keys) {
    std::string heading = "key " + escape_text(k->public_key);
    if (!k->desc.empty()) heading += " " + quoted_text(k->desc);
    out += "\n  " + bold(heading) + fmt::format(" ({})\n", escape_text(k->id));
    out += key_attribute_lines(*k);
    const auto rows = g.assignments_of(*k);
    if (rows.empty()) out += "    " + dim("no project access") + "\n";
    for (const auto& [p, roles] : rows) {
      out += fmt::format("    {}: {}\n", project_label(*p), comma_list(sorted(*roles)));
    }
  }
  if (live.service_accounts_read) out += service_accounts_text(live, g.names, color);
  out += "\n" + bold("Projects") + "\n\n";
  for (const auto& p : g.projects) {
    auto it = g.keys_per_project.find(p.id);
    const int n = it == g.keys_per_project.end() ? 0 : it->second;
    out += fmt::format("  {}: {} {}\n", project_label(p), n, n == 1 ? "key" : "keys");
  }
  return out;
}

json show_to_json(const LiveState& live, const PlanTarget& target) {
  const Graph g(live);
  json keys = json::array();
  for (const auto* k : g.keys) {
    json projects = json::array();
    for (const auto& [p, roles] : g.assignments_of(*k)) {
      projects.push_back({{"id", p->id}, {"name", p->name}, {"roles", sorted(*roles)}});
    }
    json key = {{"id", k->id}, {"public_key", k->public_key}, {"desc", k->desc}, {"org_roles", sorted(k->org_roles)},
                {"projects", std::move(projects)}};
    if (k->access_list) key["access_list"] = *k->access_list;  // only when read: absent is not empty
    keys.push_back(std::move(key));
  }
  json projects = json::array();
  for (const auto& p : g.projects) {
    json assigned = json::array();
    for (const auto* k : g.keys) {
      if (k->project_roles.count(p.id)) assigned.push_back(k->id);
    }
    projects.push_back({{"id", p.id}, {"name", p.name}, {"key_ids", std::move(assigned)}});
  }
  json out = {
      {"format_version", kShowFormatVersion},
      {"target", {{"api", target.api}, {"org_id", target.org_id}, {"base_url", target.base_url}}},
      {"keys", std::move(keys)},
      {"projects", std::move(projects)},
      {"summary",
       {{"keys", live.keys.size()}, {"projects", g.projects.size()}, {"assignments", g.assignments}}},
  };
  // Only when read: an absent list is not an org without service accounts.
  if (live.service_accounts_read) {
    out["service_accounts"] = service_accounts_json(live, g.names);
    out["summary"]["service_accounts"] = live.service_accounts.size();
  }
  return out;
}

std::string render_show_json(const LiveState& live, const PlanTarget& target) {
  return show_to_json(live, target).dump(2) + "\n";
}

std::string render_show_markdown(const LiveState& live, const PlanTarget& target) {
  const Graph g(live);
  std::string out = fmt::format("## API key access: org {} ({})\n\n**{}.**\n\n", md_code(target.org_id),
                                escape_markdown(target.api), summary_line(live, g));

  const bool access_lists = any_access_list(g);
  out += access_lists ? "### Keys\n\n| Key | Description | Org roles | Projects and roles | Access list |\n"
                        "|---|---|---|---|---|\n"
                      : "### Keys\n\n| Key | Description | Org roles | Projects and roles |\n|---|---|---|---|\n";
  for (const auto* k : g.keys) {
    std::string access;
    for (const auto& [p, roles] : g.assignments_of(*k)) {
      if (!access.empty()) access += "<br>";
      access += fmt::format("{} ({}): {}", p->name.empty() ? "?" : escape_markdown(p->name), md_code(p->id),
                            md_code(fmt::format("{}", fmt::join(sorted(*roles), ", "))));
    }
    out += fmt::format("| {} | {} | {} | {} |", md_code(k->public_key), escape_markdown(k->desc),
                       md_list(sorted(k->org_roles), "—"), access.empty() ? "—" : access);
    out += access_lists ? " " + access_list_cell(*k) + " |\n" : "\n";
  }

  std::string matrix = "| Key |";
  for (const auto& p : g.projects) matrix += " " + escape_markdown(p.name.empty() ? p.id : p.name) + " |";
  matrix += "\n|---|";
  for (std::size_t i = 0; i < g.projects.size(); ++i) matrix += "---|";
  matrix += "\n";
  for (const auto* k : g.keys) {
    matrix += "| " + md_code(k->public_key) + " |";
    for (const auto& p : g.projects) {
      auto it = k->project_roles.find(p.id);
      std::string roles;
      if (it != k->project_roles.end()) {
        for (const auto& r : sorted(it->second)) roles += (roles.empty() ? "" : ", ") + short_role(r);
      }
      matrix += " " + (roles.empty() ? std::string() : escape_markdown(roles)) + " |";
    }
    matrix += "\n";
  }
  out += "\n### Keys × projects\n\nEach cell lists the key's roles in the project, without the `GROUP_` prefix; an "
         "empty cell is no access.\n\n";
  const std::size_t cells = g.keys.size() * g.projects.size();
  if (cells > kFoldCells) {
    out += fmt::format("<details><summary>Show the {} × {} matrix</summary>\n\n{}\n</details>\n", g.keys.size(),
                       g.projects.size(), matrix);
  } else {
    out += matrix;
  }

  if (live.service_accounts_read) out += service_accounts_markdown(live, g.names);
  out += "\n### Projects\n\n| Project | Id | Keys |\n|---|---|---|\n";
  for (const auto& p : g.projects) {
    auto it = g.keys_per_project.find(p.id);
    out += fmt::format("| {} | {} | {} |\n", p.name.empty() ? "—" : escape_markdown(p.name), md_code(p.id),
                       it == g.keys_per_project.end() ? 0 : it->second);
  }
  return out;
}

}  // namespace keyform
