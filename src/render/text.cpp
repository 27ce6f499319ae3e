#include <algorithm>

#include <fmt/format.h>

#include "render/render.h"

namespace keyform {
namespace {

struct Palette {
  bool on;
  std::string paint(const char* code, std::string_view text) const {
    return on ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  }
  std::string green(std::string_view t) const { return paint("32", t); }
  std::string yellow(std::string_view t) const { return paint("33", t); }
  std::string red(std::string_view t) const { return paint("31", t); }
  std::string bold(std::string_view t) const { return paint("1", t); }
};

std::string roles(const std::vector<std::string>& names) { return fmt::format("[{}]", fmt::join(names, ", ")); }

std::string project_text(const Action& a) {
  return a.project ? fmt::format("{} ({})", a.project->name, a.project->id) : std::string();
}

std::string key_heading(const KeyInfo& key) {
  std::string text = "key " + (key.public_key.empty() ? key.id : key.public_key);
  if (!key.desc.empty()) text += fmt::format(" \"{}\"", key.desc);
  return text + fmt::format(" ({})", key.id);
}

std::string symbol(ActionKind kind, const Palette& p) {
  switch (kind) {
    case ActionKind::assign: return p.green("+");
    case ActionKind::update_roles: return p.yellow("~");
    case ActionKind::unassign: return p.red("-");
    case ActionKind::delete_key: return p.red("x");
  }
  return "?";
}

// The body of one action line, without its symbol.
std::string action_text(const Action& a) {
  switch (a.kind) {
    case ActionKind::assign:
      return fmt::format("assign to {} with roles {}", project_text(a), roles(a.roles_after));
    case ActionKind::update_roles:
      return fmt::format("update roles in {}: {} -> {}", project_text(a), roles(a.roles_before),
                         roles(a.roles_after));
    case ActionKind::unassign:
      return fmt::format("unassign from {} (had {})", project_text(a), roles(a.roles_before));
    case ActionKind::delete_key: return "delete key from the organization";
  }
  return "";
}

std::string summary_line(const PlanSummary& s) {
  return fmt::format("Plan: {} to assign, {} to update, {} to unassign, {} to delete.", s.assign,
                     s.update_roles, s.unassign, s.delete_key);
}

}  // namespace

std::string render_plan_text(const Plan& plan, bool color) {
  const Palette p{color};
  std::string out;
  if (plan.has_changes()) {
    out += fmt::format("keyform will perform the following actions in org {} ({}):\n",
                       plan.target.org_id, plan.target.api);
    std::vector<std::string> seen;  // keys in first-appearance order, each heading once
    for (const auto& first : plan.actions) {
      if (std::find(seen.begin(), seen.end(), first.key.id) != seen.end()) continue;
      seen.push_back(first.key.id);
      out += "\n  " + p.bold("# " + key_heading(first.key)) + "\n";
      for (const auto& a : plan.actions) {
        if (a.key.id != first.key.id) continue;
        out += fmt::format("  {} {}  # {}\n", symbol(a.kind, p), action_text(a), a.reason);
      }
    }
  }
  if (!plan.skipped.empty()) {
    out += "\nSkipped (keyform never changes these keys):\n";
    for (const auto& s : plan.skipped) {
      out += fmt::format("  {} {}: {}: {}\n", p.yellow("!"), key_heading(s.action.key),
                         action_text(s.action), s.skip_reason);
    }
  }
  out += plan.has_changes() ? "\n" + p.bold(summary_line(plan.summary())) + "\n"
                            : "\n" + p.green("No changes. The org matches the configuration.") + "\n";
  return out;
}

std::string render_result_line(const ActionResult& result, bool color) {
  const Palette p{color};
  const auto& a = result.action;
  const std::string who = a.key.public_key.empty() ? a.key.id : a.key.public_key;
  if (result.outcome == Outcome::failed) {
    return fmt::format("{} {}: {}: {}\n", symbol(a.kind, p), who, p.red("failed"), result.error);
  }
  return fmt::format("{} {}: {}: {}\n", symbol(a.kind, p), who, action_text(a), p.green("done"));
}

std::string render_apply_summary(const ApplyReport& report, bool color) {
  const Palette p{color};
  PlanSummary done;
  for (const auto& r : report.results) {
    if (r.outcome != Outcome::done) continue;
    switch (r.action.kind) {
      case ActionKind::assign: ++done.assign; break;
      case ActionKind::update_roles: ++done.update_roles; break;
      case ActionKind::unassign: ++done.unassign; break;
      case ActionKind::delete_key: ++done.delete_key; break;
    }
  }
  const std::string counts = fmt::format("{} assigned, {} updated, {} unassigned, {} deleted.", done.assign,
                                         done.update_roles, done.unassign, done.delete_key);
  if (report.succeeded()) return "\n" + p.bold(p.green("Apply complete! ") + counts) + "\n";

  std::string out = "\n" + p.bold(p.red("Apply failed. ")) + "Done: " + counts + "\n";
  for (const auto& r : report.results) {
    if (r.outcome == Outcome::failed) out += fmt::format("  failed:      {}: {}\n", describe(r.action), r.error);
  }
  for (const auto& r : report.results) {
    if (r.outcome == Outcome::not_started) out += fmt::format("  not started: {}\n", describe(r.action));
  }
  out += "Nothing else was changed. Run apply again to converge once the cause is fixed.\n";
  return out;
}

}  // namespace keyform
