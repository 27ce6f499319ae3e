#include "core/plan_json_writer.h"

#include <algorithm>
#include <array>

#include "core/plan_json.h"

namespace keyform {
namespace {

// Every object below writes its keys in sorted order, as nlohmann's std::map holds them.

void write_project(JsonWriter& out, const ProjectInfo& project) {
  out.begin_object();
  out.key("id").string(project.id);
  out.key("name").string(project.name);
  out.end_object();
}

// A key's create or update: only the fields the action changes.
void write_key_fields(JsonWriter& out, const KeyAttributes& attributes) {
  out.begin_object();
  if (attributes.desc) out.key("desc").string(*attributes.desc);
  if (attributes.org_roles) out.key("org_roles").strings(*attributes.org_roles);
  out.end_object();
}

// A service account's create or update (principal_json.cpp's service_account_fields); a create
// also says how long its first secret lives.
void write_account_fields(JsonWriter& out, const KeyAttributes& attributes, bool with_expiry) {
  out.begin_object();
  if (attributes.desc) out.key("description").string(*attributes.desc);
  if (attributes.name) out.key("name").string(*attributes.name);
  if (attributes.org_roles) out.key("org_roles").strings(*attributes.org_roles);
  if (with_expiry) out.key("secret_expires_after_hours").number(attributes.expires_after_hours.value_or(0));
  out.end_object();
}

void write_secret_lifetime(JsonWriter& out, const KeyAttributes& attributes) {
  out.begin_object();
  out.key("expires_after_hours").number(attributes.expires_after_hours.value_or(0));
  out.end_object();
}

void write_after(JsonWriter& out, const Action& a) {
  switch (a.kind) {
    case ActionKind::create_key:
    case ActionKind::update_key: return write_key_fields(out.key("after"), a.after);
    case ActionKind::create_service_account: return write_account_fields(out.key("after"), a.after, true);
    case ActionKind::update_service_account: return write_account_fields(out.key("after"), a.after, false);
    case ActionKind::create_secret: return write_secret_lifetime(out.key("after"), a.after);
    default: return;
  }
}

void write_before(JsonWriter& out, const Action& a) {
  if (a.kind == ActionKind::update_key) write_key_fields(out.key("before"), a.before);
  if (a.kind == ActionKind::update_service_account) write_account_fields(out.key("before"), a.before, false);
}

// A deletion's blast radius: every project the principal loses.
void write_assignments(JsonWriter& out, const Action& a) {
  if (a.kind != ActionKind::delete_key && a.kind != ActionKind::delete_service_account) return;
  out.key("assignments_before").begin_array();
  for (const auto& lost : a.assignments_before) {
    out.begin_object();
    write_project(out.key("project"), lost.project);
    out.key("roles").strings(lost.roles);
    out.end_object();
  }
  out.end_array();
}

// A key still to be created has no id and no public key yet (null, not "").
void write_key(JsonWriter& out, const Principal& p) {
  if (p.is_service_account()) return;
  out.key("key").begin_object();
  out.key("desc").string(p.desc);
  if (p.is_new()) {
    out.key("id").null();
    out.key("public_key").null();
  } else {
    out.key("id").string(p.id);
    out.key("public_key").string(p.public_key);
  }
  out.end_object();
}

void write_service_account(JsonWriter& out, const Principal& p) {
  if (!p.is_service_account()) return;
  out.key("service_account").begin_object();
  if (p.is_new()) out.key("client_id").null();
  else out.key("client_id").string(p.id);
  out.key("name").string(p.desc);
  out.end_object();
}

void write_secret(JsonWriter& out, const std::optional<SecretInfo>& secret) {
  if (!secret) return;
  out.key("secret").begin_object();
  out.key("expires_at").string(secret->expires_at);
  out.key("id").string(secret->id);
  out.end_object();
}

// One count per kind, under the kind's name: by name, not in kActionKinds' order.
void write_summary(JsonWriter& out, const PlanSummary& summary) {
  std::array<std::size_t, kActionKinds.size()> order{};
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [](std::size_t a, std::size_t b) { return kActionKinds[a].name < kActionKinds[b].name; });
  out.begin_object();
  for (std::size_t i : order) out.key(kActionKinds[i].name).number(summary.counts[i]);
  out.end_object();
}

void write_warnings(JsonWriter& out, const std::vector<PlanWarning>& warnings) {
  out.begin_array();
  for (const auto& w : warnings) {
    out.begin_object();
    out.key("code").string(w.code);
    out.key("message").string(w.message);
    out.end_object();
  }
  out.end_array();
}

// A rough size per action, so the output grows a few times instead of twenty.
constexpr std::size_t kBytesPerAction = 640;

}  // namespace

void write_target_json(JsonWriter& out, const PlanTarget& target) {
  out.begin_object();
  out.key("api").string(target.api);
  out.key("base_url").string(target.base_url);
  out.key("org_id").string(target.org_id);
  out.end_object();
}

void write_action_json(JsonWriter& out, const Action& a, const std::string* skip_reason) {
  out.begin_object();
  out.key("action").string(to_string(a.kind));
  write_after(out, a);
  write_assignments(out, a);
  write_before(out, a);
  if (a.entry) out.key("entry").string(*a.entry);
  write_key(out, a.key);
  if (a.project) write_project(out.key("project"), *a.project);
  out.key("reason").string(a.reason);
  out.key("reason_code").string(to_string(a.reason_code));
  out.key("roles_after").strings(a.roles_after);
  out.key("roles_before").strings(a.roles_before);
  write_secret(out, a.secret);
  write_service_account(out, a.key);
  if (skip_reason) out.key("skip_reason").string(*skip_reason);
  out.end_object();
}

std::string plan_json_text(const Plan& plan) {
  std::string text;
  text.reserve((plan.actions.size() + plan.skipped.size() + 1) * kBytesPerAction);
  JsonWriter out(text);
  out.begin_object();
  out.key("actions").begin_array();
  for (const auto& a : plan.actions) write_action_json(out, a);
  out.end_array();
  out.key("format_version").number(kPlanFormatVersion);
  out.key("skipped").begin_array();
  for (const auto& s : plan.skipped) write_action_json(out, s.action, &s.skip_reason);
  out.end_array();
  write_summary(out.key("summary"), plan.summary());
  write_target_json(out.key("target"), plan.target);
  write_warnings(out.key("warnings"), plan.warnings);
  out.end_object();
  return text;
}

}  // namespace keyform
