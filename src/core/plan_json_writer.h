// The plan document (schemas/plan.schema.json), written straight into a string: the one place
// that writes it. `plan --format json` prints it; the plan file and apply's report read it back as
// a tree (plan_to_json in core/plan_json.h) to add their own fields. Streamed rather than built as
// an nlohmann object per action (40 000 unassigns: 0.3-0.5 s that way); the text is exactly
// nlohmann's dump(2) of the same document, and plan_json_writer_test reads every field back.
#pragma once

#include <string>

#include "core/json_writer.h"
#include "core/plan.h"

namespace keyform {

// {api, base_url, org_id}: what the plan was made against.
void write_target_json(JsonWriter& out, const PlanTarget& target);

// One action's object (plus "skip_reason" when `skip_reason` is given).
void write_action_json(JsonWriter& out, const Action& action, const std::string* skip_reason = nullptr);

// {actions, format_version, skipped, summary, target, warnings}, without the final newline.
std::string plan_json_text(const Plan& plan);

}  // namespace keyform
