#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "core/escape.h"
#include "core/groups.h"
#include "render/quoted.h"
#include "render/render.h"

// Every string that came from the API or the config goes through escape_text here, so that a
// description such as "x\n  + assign to prod\x1b[2J" stays one inert piece of one line.
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

std::string roles(const std::vector<std::string>& names) {
  std::vector<std::string> shown;
  for (const auto& name : names) shown.push_back(escape_text(name));
  return fmt::format("[{}]", fmt::join(shown, ", "));
}

std::string project_label(const ProjectInfo& project) {
  return fmt::format("{} ({})", escape_text(project.name), escape_text(project.id));
}

std::string project_text(const Action& a) { return a.project ? project_label(*a.project) : std::string(); }

// A name made of these characters cannot be mistaken for the rest of a heading; any other is
// shown quoted.
bool plain_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// "service account payments-deployer (mdb_sa_id_…)", or for one still to be created
// "new service account \"payments-deployer\"".
std::string account_name(const Principal& account) {
  const std::string name = plain_name(account.desc) ? account.desc : quoted_text(account.desc);
  if (account.is_new()) return "new service account " + quoted_text(account.desc);
  return "service account " + name + " (" + escape_text(account.id) + ")";
}

// A key still to be created has only its description to go by.
std::string key_name(const Principal& key) {
  if (key.is_service_account()) return account_name(key);
  if (!key.public_key.empty()) return escape_text(key.public_key);
  return key.id.empty() ? "new key " + quoted_text(key.desc) : escape_text(key.id);
}

std::string key_heading(const Principal& key) {
  if (key.is_service_account()) return account_name(key);
  if (key.is_new()) return "new key " + quoted_text(key.desc);
  std::string text = "key " + key_name(key);
  if (!key.desc.empty()) text += " " + quoted_text(key.desc);
  return text + fmt::format(" ({})", escape_text(key.id));
}

std::string symbol(ActionKind kind, const Palette& p) {
  const ActionKindInfo& k = info(kind);
  switch (k.tone) {
    case Tone::add: return p.green(k.symbol);
    case Tone::change: return p.yellow(k.symbol);
    case Tone::remove: return p.red(k.symbol);
  }
  return "?";
}

// "desc \"old\" -> \"new\", org roles [A] -> [B]": only the fields the update changes (a service
// account's desc is its description).
std::string attribute_changes(const Action& a) {
  std::vector<std::string> parts;
  if (a.after.name) {
    parts.push_back(fmt::format("name {} -> {}", quoted_text(a.before.name.value_or("")), quoted_text(*a.after.name)));
  }
  if (a.after.desc) {
    parts.push_back(fmt::format("{} {} -> {}", a.key.is_service_account() ? "description" : "desc",
                                quoted_text(a.before.desc.value_or("")), quoted_text(*a.after.desc)));
  }
  if (a.after.org_roles) {
    parts.push_back(fmt::format("org roles {} -> {}", roles(a.before.org_roles.value_or(std::vector<std::string>{})),
                                roles(*a.after.org_roles)));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string hours(const std::optional<int>& n) { return fmt::format("{} hours", n.value_or(0)); }

std::string service_account_text(const Action& a) {
  switch (a.kind) {
    case ActionKind::create_service_account:
      return fmt::format("create service account {} with description {}, org roles {}, secret expires after {}",
                         quoted_text(a.after.name.value_or(a.key.desc)), quoted_text(a.after.desc.value_or("")),
                         roles(a.after.org_roles.value_or(std::vector<std::string>{})), hours(a.after.expires_after_hours));
    case ActionKind::update_service_account: return "update service account: " + attribute_changes(a);
    case ActionKind::create_secret: return "create a secret that expires after " + hours(a.after.expires_after_hours);
    case ActionKind::delete_secret: {
      const SecretInfo secret = a.secret.value_or(SecretInfo{});
      return fmt::format("delete secret {} (expires at {})", escape_text(secret.id), escape_text(secret.expires_at));
    }
    case ActionKind::delete_service_account: return "delete service account from the organization";
    default: return "";
  }
}

// The body of one action line, without its symbol.
std::string action_text(const Action& a) {
  const std::string entry = escape_text(a.entry.value_or(""));
  switch (a.kind) {
    case ActionKind::create_key:
      return fmt::format("create key {} with org roles {}", quoted_text(a.after.desc.value_or(a.key.desc)),
                         roles(a.after.org_roles.value_or(std::vector<std::string>{})));
    case ActionKind::assign:
      return fmt::format("assign to {} with roles {}", project_text(a), roles(a.roles_after));
    case ActionKind::update_roles:
      return fmt::format("update roles in {}: {} -> {}", project_text(a), roles(a.roles_before),
                         roles(a.roles_after));
    case ActionKind::update_key: return "update key: " + attribute_changes(a);
    case ActionKind::add_access_entry: return fmt::format("add {} to the access list", entry);
    case ActionKind::unassign:
      return fmt::format("unassign from {} (had {})", project_text(a), roles(a.roles_before));
    case ActionKind::remove_access_entry: return fmt::format("remove {} from the access list", entry);
    case ActionKind::delete_key: return "delete key from the organization";
    default: return service_account_text(a);
  }
}

// A deletion's blast radius: the reviewer sees every project the principal stops reaching.
std::string blast_radius(const Action& a) {
  if (a.kind != ActionKind::delete_key && a.kind != ActionKind::delete_service_account) return "";
  if (a.assignments_before.empty()) return "      loses no project access (it has none)\n";
  std::string out;
  for (const auto& lost : a.assignments_before) {
    out += fmt::format("      loses {}: {}\n", project_label(lost.project), roles(lost.roles));
  }
  return out;
}

std::string summary_line(const PlanSummary& s) { return "Plan: " + summary_counts(s, true) + "."; }

// Indices into `actions`, one group per principal, principals in first-appearance order.
std::vector<std::vector<std::size_t>> by_principal(const std::vector<Action>& actions) {
  return group_indices(actions.size(), [&](std::size_t i) { return key_ref(actions[i].key); });
}

std::string actions_section(const Plan& plan, const Palette& p) {
  std::string out = fmt::format("keyform will perform the following actions in org {} ({}):\n",
                                escape_text(plan.target.org_id), escape_text(plan.target.api));
  for (const auto& group : by_principal(plan.actions)) {
    out += "\n  " + p.bold("# " + key_heading(plan.actions[group.front()].key)) + "\n";
    for (std::size_t i : group) {
      const Action& a = plan.actions[i];
      fmt::format_to(std::back_inserter(out), "  {} {}  # {}\n", symbol(a.kind, p), action_text(a),
                     escape_text(a.reason));
      out += blast_radius(a);
    }
  }
  return out;
}

std::string skipped_section(const Plan& plan, const Palette& p) {
  const bool accounts = std::any_of(plan.skipped.begin(), plan.skipped.end(),
                                   [](const SkippedAction& s) { return s.action.key.is_service_account(); });
  std::string out = accounts ? "\nSkipped (keyform never changes these keys and service accounts):\n"
                             : "\nSkipped (keyform never changes these keys):\n";
  for (const auto& s : plan.skipped) {
    out += fmt::format("  {} {}: {}: {}\n", p.yellow("!"), key_heading(s.action.key), action_text(s.action),
                       escape_text(s.skip_reason));
  }
  return out;
}

std::string warnings_section(const Plan& plan, const Palette& p) {
  std::string out = "\n";
  for (const auto& w : plan.warnings) out += p.yellow("Warning: " + escape_text(w.message)) + "\n";
  return out;
}

// "No changes." alone would be a lie when skipped differences remain: say what is left alone.
std::string no_changes_line(const Plan& plan, const Palette& p) {
  if (plan.skipped.empty()) return p.green("No changes. The org matches the configuration.");
  const std::size_t n = plan.skipped.size();
  return p.yellow(fmt::format(
      "No changes. The org still differs from the configuration: {} {} left alone (keyform never changes "
      "protected keys or the key it runs as): see Skipped above.",
      n, n == 1 ? "difference is" : "differences are"));
}

}  // namespace

std::string summary_counts(const PlanSummary& s, bool planned) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < kActionKinds.size(); ++i) {
    const ActionKindInfo& k = kActionKinds[i];
    if (!k.always_summarised && s.counts[i] == 0) continue;
    parts.push_back(fmt::format("{} {}", s.counts[i], planned ? k.planned(s.counts[i]) : k.done(s.counts[i])));
  }
  return fmt::format("{}", fmt::join(parts, ", "));
}

std::string render_plan_text(const Plan& plan, bool color) {
  const Palette p{color};
  std::string out;
  if (plan.has_changes()) out += actions_section(plan, p);
  if (!plan.skipped.empty()) out += skipped_section(plan, p);
  if (!plan.warnings.empty()) out += warnings_section(plan, p);
  out += "\n" + (plan.has_changes() ? p.bold(summary_line(plan.summary())) : no_changes_line(plan, p)) + "\n";
  return out;
}

std::string render_result_line(const ActionResult& result, bool color) {
  const Palette p{color};
  const auto& a = result.action;
  const std::string who = key_name(a.key);
  if (result.outcome == Outcome::failed) {
    return fmt::format("{} {}: {}: {}\n", symbol(a.kind, p), who, p.red("failed"), escape_text(result.error));
  }
  const std::string note = result.note.empty() ? "" : " (" + escape_text(result.note) + ")";
  return fmt::format("{} {}: {}: {}{}\n", symbol(a.kind, p), who, action_text(a), p.green("done"), note);
}

namespace {

std::string done_counts(const ApplyReport& report) {
  std::string out = summary_counts(report.done_summary(), false) + ".";
  const int noted = report.noted();
  // A 404 on a removal or a 409 on an assign or an access-list add: counted as done, but the reader should know that
  // someone else made that change.
  if (noted > 0) {
    out += fmt::format(" {} of them {} already in effect before keyform's call (see the notes above).", noted,
                       noted == 1 ? "was" : "were");
  }
  return out;
}

std::string unfinished_lines(const ApplyReport& report) {
  std::string out;
  for (const auto& r : report.results) {
    if (r.outcome == Outcome::failed) {
      out += fmt::format("  failed:      {}: {}\n", escape_text(describe(r.action)), escape_text(r.error));
    }
  }
  for (const auto& r : report.results) {
    if (r.outcome == Outcome::not_started) out += fmt::format("  not started: {}\n", escape_text(describe(r.action)));
  }
  return out;
}

}  // namespace

std::string render_apply_summary(const ApplyReport& report, bool color) {
  const Palette p{color};
  const std::string counts = done_counts(report);
  if (report.interrupted) {
    const std::string by = report.interrupted_by.empty() ? "a signal" : escape_text(report.interrupted_by);
    std::string out = "\n" + p.bold(p.red(fmt::format("Apply interrupted by {}. ", by))) +
                      "Done: " + counts + "\n" + unfinished_lines(report);
    return out + "Nothing else was changed. Run apply again to converge.\n";
  }
  if (report.succeeded()) return "\n" + p.bold(p.green("Apply complete! ") + counts) + "\n";
  return "\n" + p.bold(p.red("Apply failed. ")) + "Done: " + counts + "\n" + unfinished_lines(report) +
         "Nothing else was changed. Run apply again to converge once the cause is fixed.\n";
}

}  // namespace keyform
