#include <array>

#include <fmt/format.h>

#include "core/escape.h"
#include "render/quoted.h"
#include "render/markdown_cells.h"
#include "render/render.h"

// Every string from the API or the config is escape_markdown'ed (or a code span only when it is
// made of safe characters), so a description cannot add a table row, close the <details> fold,
// or smuggle a control character into the pull-request comment.
namespace keyform {
namespace {

std::string roles_cell(const std::vector<std::string>& names) { return md_list(names, "—"); }

// A service account by its client id and name; a new one by its name alone.
std::string account_cell(const Principal& account) {
  if (account.is_new()) return "*new service account* " + quoted_markdown(account.desc);
  return "service account " + md_code(account.id) + " " + escape_markdown(account.desc);
}

std::string key_cell(const Principal& key) {
  if (key.is_service_account()) return account_cell(key);
  if (key.is_new()) return "*new key* " + quoted_markdown(key.desc);
  std::string text = md_code(key.public_key.empty() ? key.id : key.public_key);
  if (!key.desc.empty()) text += " " + escape_markdown(key.desc);
  return text;
}

std::string project_md(const ProjectInfo& project) {
  return fmt::format("{} ({})", escape_markdown(project.name), md_code(project.id));
}

std::string project_cell(const Action& a) { return a.project ? project_md(*a.project) : "—"; }

// A deletion's row shows its blast radius: one line per project the key loses, and the roles it
// loses there on the same line of the next cell.
std::string delete_row(const Action& a) {
  std::string projects, lost;
  for (const auto& p : a.assignments_before) {
    projects += (projects.empty() ? "" : "<br>") + project_md(p.project);
    lost += (lost.empty() ? "" : "<br>") + roles_cell(p.roles) + " → —";
  }
  if (projects.empty()) projects = "— (no project access)";
  if (lost.empty()) lost = "—";
  return fmt::format("| {} | {} | {} | {} |\n", key_cell(a.key), projects, lost, escape_markdown(a.reason));
}

std::string hours_cell(const std::optional<int>& n) { return std::to_string(n.value_or(0)) + " hours"; }

// What a new principal or secret is created with.
std::string created_cell(const Action& a) {
  const std::string org_roles = "org roles " + roles_cell(a.after.org_roles.value_or(std::vector<std::string>{}));
  switch (a.kind) {
    case ActionKind::create_key: return "desc " + quoted_markdown(a.after.desc.value_or("")) + "<br>" + org_roles;
    case ActionKind::create_service_account:
      return "name " + quoted_markdown(a.after.name.value_or(a.key.desc)) + "<br>description " +
             quoted_markdown(a.after.desc.value_or("")) + "<br>" + org_roles + "<br>secret expires after " +
             hours_cell(a.after.expires_after_hours);
    default: return "new secret, expires after " + hours_cell(a.after.expires_after_hours);
  }
}

// desc "old" → "new"<br>org roles A → B: only the fields the update changes.
std::string attribute_cell(const Action& a) {
  if (a.kind == ActionKind::create_key || a.kind == ActionKind::create_service_account ||
      a.kind == ActionKind::create_secret) {
    return created_cell(a);
  }
  std::string out;
  if (a.after.name) out += "name " + quoted_markdown(a.before.name.value_or("")) + " → " + quoted_markdown(*a.after.name);
  if (a.after.desc) {
    out += (out.empty() ? "" : "<br>") + std::string(a.key.is_service_account() ? "description " : "desc ") +
           quoted_markdown(a.before.desc.value_or("")) + " → " + quoted_markdown(*a.after.desc);
  }
  if (a.after.org_roles) {
    out += (out.empty() ? "" : "<br>") + std::string("org roles ") +
           roles_cell(a.before.org_roles.value_or(std::vector<std::string>{})) + " → " + roles_cell(*a.after.org_roles);
  }
  return out;
}

std::string secret_cell(const Action& a) {
  const SecretInfo secret = a.secret.value_or(SecretInfo{});
  return md_code(secret.id) + " expires at " + md_code(secret.expires_at);
}

bool is_deletion(ActionKind kind) { return kind == ActionKind::delete_key || kind == ActionKind::delete_service_account; }

std::string row(const Action& a) {
  switch (info(a.kind).scope) {
    case Scope::access_entry:
      return fmt::format("| {} | {} | {} |\n", key_cell(a.key), md_code(a.entry.value_or("")), escape_markdown(a.reason));
    case Scope::secret:
      return fmt::format("| {} | {} | {} |\n", key_cell(a.key), secret_cell(a), escape_markdown(a.reason));
    case Scope::key:
      if (is_deletion(a.kind)) return delete_row(a);
      return fmt::format("| {} | {} | {} |\n", key_cell(a.key), attribute_cell(a), escape_markdown(a.reason));
    case Scope::project: break;
  }
  return fmt::format("| {} | {} | {} → {} | {} |\n", key_cell(a.key), project_cell(a), roles_cell(a.roles_before),
                     roles_cell(a.roles_after), escape_markdown(a.reason));
}

// The first column names keys, service accounts, or both, as the table's rows do.
std::string table_header(ActionKind kind, const char* who) {
  const ActionKindInfo& k = info(kind);
  if (k.scope == Scope::access_entry) return fmt::format("| {} | Entry | Reason |\n|---|---|---|\n", who);
  if (k.scope == Scope::secret) return fmt::format("| {} | Secret | Reason |\n|---|---|---|\n", who);
  if (k.scope == Scope::key && !is_deletion(kind)) return fmt::format("| {} | Change | Reason |\n|---|---|---|\n", who);
  return fmt::format("| {} | Project | Roles | Reason |\n|---|---|---|---|\n", who);
}

struct TableRows {
  std::string rows;
  int count = 0, accounts = 0;
};

std::string table(ActionKind kind, const TableRows& t) {
  if (t.count == 0) return "";
  const char* who = t.accounts == 0 ? "Key" : t.accounts == t.count ? "Service account" : "Key or service account";
  return fmt::format("### {} ({})\n\n{}{}\n", info(kind).heading, t.count, table_header(kind, who), t.rows);
}

// A table per kind, in kActionKinds order, from one pass over the actions.
std::string tables(const std::vector<Action>& actions) {
  std::array<TableRows, kActionKinds.size()> by_kind;
  for (const auto& a : actions) {
    TableRows& t = by_kind[static_cast<std::size_t>(&info(a.kind) - kActionKinds.data())];
    ++t.count;
    t.accounts += a.key.is_service_account() ? 1 : 0;
    t.rows += row(a);
  }
  std::string out;
  for (std::size_t i = 0; i < kActionKinds.size(); ++i) out += table(kActionKinds[i].kind, by_kind[i]);
  return out;
}

std::string skipped_target(const Action& a) {
  if (a.entry) return md_code(*a.entry);
  if (a.secret) return secret_cell(a);
  if (info(a.kind).scope == Scope::key && !is_deletion(a.kind)) return attribute_cell(a);
  return project_cell(a);
}

std::string warnings_section(const Plan& plan) {
  std::string out = "### Warnings\n\n";
  for (const auto& w : plan.warnings) out += "- " + escape_markdown(w.message) + "\n";
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
    out += "**Plan: " + summary_counts(s, true) + ".**\n\n";
    // Warnings above the tables, so a long plan's fold cannot hide them.
    if (!plan.warnings.empty()) out += warnings_section(plan);
    const std::string all = tables(plan.actions);
    // Long plans fold away so the PR conversation stays readable.
    out += s.total() > 20 ? "<details><summary>Show all " + std::to_string(s.total()) + " actions</summary>\n\n" +
                                all + "</details>\n"
                          : all;
  }
  if (!plan.skipped.empty()) {
    out += "\n### Skipped (never changed by keyform)\n\n";
    for (const auto& sk : plan.skipped) {
      out += fmt::format("- {}: {} {} ({})\n", key_cell(sk.action.key), info(sk.action.kind).heading,
                         skipped_target(sk.action), escape_markdown(sk.skip_reason));
    }
  }
  return out;
}

}  // namespace keyform
