#include <fmt/format.h>

#include "render/render.h"

namespace keyform {
namespace {

// Table cells must not break the table or the comment around it: pipes are escaped, newlines
// flattened, and angle brackets escaped so a desc cannot close the <details> fold or add HTML.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += "\\|";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '\n' || c == '\r') out += ' ';
    else out += c;
  }
  return out;
}

std::string roles(const std::vector<std::string>& names) {
  return names.empty() ? "—" : fmt::format("`{}`", fmt::join(names, "`, `"));
}

std::string key_cell(const KeyInfo& key) {
  std::string text = fmt::format("`{}`", key.public_key.empty() ? key.id : key.public_key);
  if (!key.desc.empty()) text += " " + cell(key.desc);
  return text;
}

std::string project_cell(const Action& a) {
  return a.project ? fmt::format("{} (`{}`)", cell(a.project->name), a.project->id) : "—";
}

std::string heading(ActionKind kind) {
  switch (kind) {
    case ActionKind::assign: return "Assign";
    case ActionKind::update_roles: return "Update roles";
    case ActionKind::unassign: return "Unassign";
    case ActionKind::delete_key: return "Delete key";
  }
  return "";
}

std::string table(ActionKind kind, const std::vector<Action>& actions) {
  std::string rows;
  int count = 0;
  for (const auto& a : actions) {
    if (a.kind != kind) continue;
    ++count;
    rows += fmt::format("| {} | {} | {} → {} | {} |\n", key_cell(a.key), project_cell(a), roles(a.roles_before),
                        roles(a.roles_after), cell(a.reason));
  }
  if (count == 0) return "";
  return fmt::format("### {} ({})\n\n| Key | Project | Roles | Reason |\n|---|---|---|---|\n{}\n", heading(kind),
                     count, rows);
}

}  // namespace

std::string render_plan_markdown(const Plan& plan) {
  const PlanSummary s = plan.summary();
  std::string out = fmt::format("## keyform plan: org `{}` ({})\n\n", plan.target.org_id, plan.target.api);
  if (!plan.has_changes()) {
    out += "**No changes.** The org matches the configuration.\n";
  } else {
    out += fmt::format("**Plan: {} to assign, {} to update, {} to unassign, {} to delete.**\n\n", s.assign,
                       s.update_roles, s.unassign, s.delete_key);
    std::string tables;
    for (auto kind : {ActionKind::assign, ActionKind::update_roles, ActionKind::unassign, ActionKind::delete_key}) {
      tables += table(kind, plan.actions);
    }
    // Long plans fold away so the PR conversation stays readable.
    out += s.total() > 20 ? "<details><summary>Show all " + std::to_string(s.total()) + " actions</summary>\n\n" +
                                tables + "</details>\n"
                          : tables;
  }
  if (!plan.skipped.empty()) {
    out += "\n### Skipped (never changed by keyform)\n\n";
    for (const auto& sk : plan.skipped) {
      out += fmt::format("- {}: {} {} ({})\n", key_cell(sk.action.key), heading(sk.action.kind),
                         project_cell(sk.action), cell(sk.skip_reason));
    }
  }
  return out;
}

}  // namespace keyform
