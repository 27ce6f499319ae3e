#include "render/show_service_accounts.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "core/escape.h"
#include "render/markdown_cells.h"
#include "render/quoted.h"

// Names, descriptions, ids, roles and expiry times come from the API: escaped for the terminal or
// for markdown, so none can start a new line, carry a terminal escape or break a table.
namespace keyform {
namespace {

using nlohmann::json;
using Roles = std::vector<std::string>;

// Accounts by name, then client id: the order a reviewer looks them up in.
std::vector<const LiveServiceAccount*> sorted_accounts(const LiveState& live) {
  std::vector<const LiveServiceAccount*> out;
  for (const auto& sa : live.service_accounts) out.push_back(&sa);
  std::sort(out.begin(), out.end(), [](const LiveServiceAccount* a, const LiveServiceAccount* b) {
    return std::tie(a->name, a->client_id) < std::tie(b->name, b->client_id);
  });
  return out;
}

Roles sorted_roles(Roles roles) {
  std::sort(roles.begin(), roles.end());
  return roles;
}

std::string name_of(const ProjectNameMap& names, const std::string& id) {
  auto it = names.find(id);
  return it == names.end() ? std::string() : it->second;
}

// An account's projects by project name, then id.
std::vector<std::pair<std::string, Roles>> projects_of(const LiveServiceAccount& sa, const ProjectNameMap& names) {
  std::vector<std::pair<std::string, Roles>> out;
  for (const auto& [id, roles] : *sa.project_roles) out.push_back({id, sorted_roles(roles)});
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return std::make_pair(name_of(names, a.first), a.first) < std::make_pair(name_of(names, b.first), b.first);
  });
  return out;
}

std::string text_list(const Roles& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + escape_text(item);
  return out;
}

std::string project_text(const ProjectNameMap& names, const std::string& id) {
  const std::string name = name_of(names, id);
  return (name.empty() ? std::string("(not in the project listing)") : escape_text(name)) + " (" + escape_text(id) + ")";
}

std::string account_text(const LiveServiceAccount& sa, const ProjectNameMap& names, const std::string& heading) {
  std::string out = "\n  " + heading + "\n";
  out += "    description: " + quoted_text(sa.description) + "\n";
  out += "    org roles: " + (sa.org_roles.empty() ? std::string("none") : text_list(sorted_roles(sa.org_roles))) + "\n";
  if (sa.access_list) out += "    access list: " + (sa.access_list->empty() ? "empty" : text_list(*sa.access_list)) + "\n";
  if (!sa.project_roles) out += "    project access not read\n";
  else if (sa.project_roles->empty()) out += "    no project access\n";
  else {
    for (const auto& [id, roles] : projects_of(sa, names)) out += "    " + project_text(names, id) + ": " + text_list(roles) + "\n";
  }
  if (sa.secrets.empty()) out += "    no secret\n";
  for (const auto& s : sa.secrets) {
    out += fmt::format("    secret {} expires at {}\n", escape_text(s.id), escape_text(s.expires_at));
  }
  return out;
}

std::string projects_cell(const LiveServiceAccount& sa, const ProjectNameMap& names) {
  if (!sa.project_roles) return "not read";
  std::string out;
  for (const auto& [id, roles] : projects_of(sa, names)) {
    const std::string name = name_of(names, id);
    out += (out.empty() ? "" : "<br>") + (name.empty() ? std::string("?") : escape_markdown(name)) + " (" + md_code(id) +
           "): " + md_code(fmt::format("{}", fmt::join(roles, ", ")));
  }
  return out.empty() ? "—" : out;
}

std::string secrets_cell(const LiveServiceAccount& sa) {
  std::string out;
  for (const auto& s : sa.secrets) out += (out.empty() ? "" : "<br>") + md_code(s.id) + " expires " + md_code(s.expires_at);
  return out.empty() ? "none" : out;
}

}  // namespace

std::string service_accounts_text(const LiveState& live, const ProjectNameMap& names, bool color) {
  const auto bold = [&](const std::string& t) { return color ? "\033[1m" + t + "\033[0m" : t; };
  std::string out = "\n" + bold("Service accounts") + "\n";
  if (live.service_accounts.empty()) return out + "\n  none\n";
  for (const auto* sa : sorted_accounts(live)) {
    const std::string heading = "service account " + quoted_text(sa->name);
    out += account_text(*sa, names, bold(heading) + " (" + escape_text(sa->client_id) + ")");
  }
  return out;
}

json service_accounts_json(const LiveState& live, const ProjectNameMap& names) {
  json out = json::array();
  for (const auto* sa : sorted_accounts(live)) {
    json secrets = json::array();
    for (const auto& s : sa->secrets) secrets.push_back({{"id", s.id}, {"created_at", s.created_at}, {"expires_at", s.expires_at}});
    json entry = {{"client_id", sa->client_id}, {"name", sa->name}, {"description", sa->description},
                  {"org_roles", sorted_roles(sa->org_roles)}, {"secrets", std::move(secrets)}};
    // Only when read: absent is not empty.
    if (sa->project_roles) {
      json projects = json::array();
      for (const auto& [id, roles] : projects_of(*sa, names)) {
        projects.push_back({{"id", id}, {"name", name_of(names, id)}, {"roles", roles}});
      }
      entry["projects"] = std::move(projects);
    }
    if (sa->access_list) entry["access_list"] = *sa->access_list;
    out.push_back(std::move(entry));
  }
  return out;
}

std::string service_accounts_markdown(const LiveState& live, const ProjectNameMap& names) {
  std::string out = "\n### Service accounts\n\n";
  if (live.service_accounts.empty()) return out + "None.\n";
  out += "| Service account | Client id | Description | Org roles | Projects and roles | Access list | Secrets (expiry) |\n"
         "|---|---|---|---|---|---|---|\n";
  for (const auto* sa : sorted_accounts(live)) {
    const std::string access = sa->access_list ? md_list(*sa->access_list, "empty") : "not read";
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", escape_markdown(sa->name), md_code(sa->client_id),
                       escape_markdown(sa->description), md_list(sorted_roles(sa->org_roles), "—"), projects_cell(*sa, names),
                       access, secrets_cell(*sa));
  }
  return out;
}

}  // namespace keyform
