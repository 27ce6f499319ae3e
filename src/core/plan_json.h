// The plan as a JSON document (schemas/plan.schema.json): what `plan --format json` prints and
// what a plan file (core/plan_file.h) stores. Both directions live here, so what is written is
// exactly what is read back. Every action kind's shape comes from core/action_kind.h.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/plan.h"

namespace keyform {

constexpr int kPlanFormatVersion = 1;

nlohmann::json action_to_json(const Action& action);
// {format_version, target, actions, skipped, warnings, summary}
nlohmann::json plan_to_json(const Plan& plan);
// One count per kind in kActionKinds, under the kind's name.
nlohmann::json summary_to_json(const PlanSummary& summary);

// A structural problem, with the JSON path of the culprit ("actions[2].roles_after[0] is not a
// project role"); anything quoted from the document is escaped.
struct PlanJsonError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Strict: every field's type and shape, each kind's shape (what it addresses, which values it
// carries), ids, roles, reason codes. `skipped` entries also carry "skip_reason" (read by the
// caller). Throws PlanJsonError.
Action action_from_json(const nlohmann::json& entry, const std::string& path, bool skipped);

}  // namespace keyform
