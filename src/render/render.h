// Renderers: every output format is a pure function of one Plan (or one apply report).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/apply_report.h"
#include "core/plan.h"
#include "core/plan_json.h"

namespace keyform {

// Human output (text, markdown, apply lines) escapes every string from the API or the config
// (core/escape.h); JSON keeps them exact.

// "1 to assign, 0 to update, 0 to unassign, 0 to delete" (planned) or "1 assigned, …" (done): the
// four original kinds always (lines users already grep), every other kind when it occurs.
std::string summary_counts(const PlanSummary& summary, bool planned);

// Terraform-style text for a terminal or a log. ANSI colours only when `color` is set.
std::string render_plan_text(const Plan& plan, bool color);

// The machine-readable plan document (schemas/plan.schema.json; written by core/plan_json_writer.h).
std::string render_plan_json(const Plan& plan);

// For a pull-request comment: a summary line and a table per action kind. Never coloured.
std::string render_plan_markdown(const Plan& plan);

// One line per finished action during apply (a done one with its note, e.g. "already gone"), and
// the closing summary: complete, failed, or interrupted by a signal.
std::string render_result_line(const ActionResult& result, bool color);
std::string render_apply_summary(const ApplyReport& report, bool color);

// apply --format json: {format_version, target, succeeded, interrupted, interrupted_by, done,
// failed, not_started, summary}, each list holding plan actions (done ones with their note, failed
// ones with their error); interrupted_by is "SIGINT"/"SIGTERM", or null when not interrupted.
// Also `verified` (true, false, or null when the verification did not run) and `differences`.
std::string render_apply_json(const Plan& plan, const ApplyReport& report);

}  // namespace keyform
