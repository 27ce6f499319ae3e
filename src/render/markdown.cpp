#include <fmt/format.h>

#include "core/escape.h"
#include "render/markdown_cells.h"
#include "render/render.h"

// Every string from the API or the config is escape_markdown'ed (or a code span only when it is
// made of safe characters), so a description cannot add a table row, close the <details> fold,
// or smuggle a control character into the pull-request comment.
namespace keyform {
namespace {

std::string roles(const std::vector<std::string>& names) {
  if (names.empty()) return "—";
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + md_code(name);
  return out;
}

std::string key_cell(const KeyInfo& key) {
  std::string text = md_code(key.public_key.empty() ? key.id : key.public_key);
  if (!key.desc.empty()) text += " " + escape_markdown(key.desc);
  return text;
}

std::string project_label(const ProjectInfo& project) {
  return fmt::format("{} ({})", escape_markdown(project.name), md_code(project.id));
}

std::string project_cell(const Action& a) { return a.project ? project_label(*a.project) : "—"; }

// A deletion's row shows its blast radius: one line per project the key loses, and the roles it
// loses there on the same line of the next cell.
std::string delete_row(const Action& a) {
  std::string projects, lost;
  for (const auto& p : a.assignments_before) {
    projects += (projects.empty() ? "" : "<br>") + project_label(p.project);
    lost += (lost.empty() ? "" : "<br>") + roles(p.roles) + " → —";
  }
  if (projects.empty()) projects = "— (no project access)";
  if (lost.empty()) lost = "—";
  return fmt::format("| {} | {} | {} | {} |\n", key_cell(a.key), projects, lost, escape_markdown(a.reason));
}

std::string row(const Action& a) {
  if (a.kind == ActionKind::delete_key) return delete_row(a);
  return fmt::format("| {} | {} | {} → {} | {} |\n", key_cell(a.key), project_cell(a), roles(a.roles_before),
                     roles(a.roles_after), escape_markdown(a.reason));
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
    rows += row(a);
  }
  if (count == 0) return "";
  return fmt::format("### {} ({})\n\n| Key | Project | Roles | Reason |\n|---|---|---|---|\n{}\n", heading(kind), count,
                     rows);
}

std::string warnings_section(const Plan& plan) {
  std::string out = "### Warnings\n\n";
  for (const auto& w : plan.warnings) out += "- " + escape_markdown(w) + "\n";
  return out + "\n";
}

std::string no_changes(const Plan& plan) {
  if (plan.skipped.empty()) return "**No changes.** The org matches the configuration.\n";
  const std::size_t n = plan.skipped.size();
  return fmt::format(
      "**No changes.** The org still differs from the configuration: {} {} left alone (keyform never changes "
      "protected keys or the key it runs as): see Skipped below.\n",
      n, n == 1 ? "difference is" : "differences are");
}

}  // namespace

std::string render_plan_markdown(const Plan& plan) {
  const PlanSummary s = plan.summary();
  std::string out = fmt::format("## keyform plan: org {} ({})\n\n", md_code(plan.target.org_id),
                                escape_markdown(plan.target.api));
  if (!plan.has_changes()) {
    out += no_changes(plan);
    if (!plan.warnings.empty()) out += "\n" + warnings_section(plan);
  } else {
    out += fmt::format("**Plan: {} to assign, {} to update, {} to unassign, {} to delete.**\n\n", s.assign,
                       s.update_roles, s.unassign, s.delete_key);
    // Warnings above the tables, so a long plan's fold cannot hide them.
    if (!plan.warnings.empty()) out += warnings_section(plan);
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
                         project_cell(sk.action), escape_markdown(sk.skip_reason));
    }
  }
  return out;
}

}  // namespace keyform
