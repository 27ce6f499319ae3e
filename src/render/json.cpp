#include "render/render.h"

namespace keyform {
namespace {

using nlohmann::json;

json key_json(const KeyInfo& key) {
  return {{"id", key.id}, {"public_key", key.public_key}, {"desc", key.desc}};
}

json action_json(const Action& a) {
  json out = {{"action", std::string(to_string(a.kind))}, {"key", key_json(a.key)}};
  if (a.project) out["project"] = {{"id", a.project->id}, {"name", a.project->name}};
  out["roles_before"] = a.roles_before;
  out["roles_after"] = a.roles_after;
  out["reason"] = a.reason;
  // A deletion carries its blast radius, so a pipeline can gate on what the key loses.
  if (a.kind == ActionKind::delete_key) {
    json lost = json::array();
    for (const auto& p : a.assignments_before) {
      lost.push_back({{"project", {{"id", p.project.id}, {"name", p.project.name}}}, {"roles", p.roles}});
    }
    out["assignments_before"] = std::move(lost);
  }
  return out;
}

}  // namespace

json plan_to_json(const Plan& plan) {
  json actions = json::array();
  for (const auto& a : plan.actions) actions.push_back(action_json(a));
  json skipped = json::array();
  for (const auto& s : plan.skipped) {
    json entry = action_json(s.action);
    entry["skip_reason"] = s.skip_reason;
    skipped.push_back(std::move(entry));
  }
  const PlanSummary s = plan.summary();
  return {
      {"format_version", kPlanFormatVersion},
      {"target", {{"api", plan.target.api}, {"org_id", plan.target.org_id}, {"base_url", plan.target.base_url}}},
      {"actions", std::move(actions)},
      {"skipped", std::move(skipped)},
      {"warnings", plan.warnings},
      {"summary",
       {{"assign", s.assign}, {"update_roles", s.update_roles}, {"unassign", s.unassign}, {"delete_key", s.delete_key}}},
  };
}

std::string render_plan_json(const Plan& plan) { return plan_to_json(plan).dump(2) + "\n"; }

std::string render_apply_json(const Plan& plan, const ApplyReport& report) {
  json done = json::array(), failed = json::array(), not_started = json::array();
  for (const auto& r : report.results) {
    json entry = action_json(r.action);
    switch (r.outcome) {
      case Outcome::done:
        if (!r.note.empty()) entry["note"] = r.note;
        done.push_back(std::move(entry));
        break;
      case Outcome::failed:
        entry["error"] = r.error;
        failed.push_back(std::move(entry));
        break;
      case Outcome::not_started: not_started.push_back(std::move(entry)); break;
    }
  }
  const json plan_doc = plan_to_json(plan);
  return json{{"format_version", kPlanFormatVersion},
              {"target", plan_doc["target"]},
              {"succeeded", report.succeeded()},
              {"interrupted", report.interrupted},
              {"interrupted_by", report.interrupted ? json(report.interrupted_by) : json(nullptr)},
              {"done", std::move(done)},
              {"failed", std::move(failed)},
              {"not_started", std::move(not_started)},
              {"verified", report.differences ? json(report.differences->empty()) : json(nullptr)},
              {"differences", report.differences ? json(*report.differences) : json::array()},
              {"summary", {{"done", report.count(Outcome::done)},
                           {"failed", report.count(Outcome::failed)},
                           {"not_started", report.count(Outcome::not_started)}}}}
             .dump(2) +
         "\n";
}

}  // namespace keyform
