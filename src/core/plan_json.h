// The plan as a JSON document (schemas/plan.schema.json): what `plan --format json` prints and
// what a plan file (core/plan_file.h) stores. core/plan_json_writer writes it; this reads it,
// strictly, and offers the written document as an nlohmann tree to those that add to it (the
// plan file, apply's report). Every action kind's shape comes from core/action_kind.h.
#pragma once

#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "core/plan.h"

namespace keyform {

constexpr int kPlanFormatVersion = 1;

// What write_action_json writes for `action`, as a tree.
nlohmann::json action_to_json(const Action& action);
// What write_target_json writes, as a tree (apply's report names its target too).
nlohmann::json target_to_json(const PlanTarget& target);
// plan_json_text(plan) as a tree: {format_version, target, actions, skipped, warnings, summary}.
nlohmann::json plan_to_json(const Plan& plan);

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
