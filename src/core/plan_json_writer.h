// `plan --format json` written straight into a string: the same document as
// plan_to_json(plan).dump(2) (core/plan_json.h), byte for byte, without building an nlohmann
// object per action first (40 000 unassigns: 0.3-0.5 s that way). plan_to_json stays the
// reference, and the one the plan file and apply's report use; plan_json_writer_test pins the two
// together on every action kind.
#pragma once

#include <string>

#include "core/json_writer.h"
#include "core/plan.h"

namespace keyform {

// What action_to_json(action) holds (plus "skip_reason" when `skip_reason` is given).
void write_action_json(JsonWriter& out, const Action& action, const std::string* skip_reason = nullptr);

// plan_to_json(plan).dump(2), without the final newline.
std::string plan_json_text(const Plan& plan);

}  // namespace keyform
