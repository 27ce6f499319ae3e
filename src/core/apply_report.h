// What an apply did, action by action: the data every apply rendering (text lines, summary, JSON)
// is a function of. It lives beside the plan because it is plan data plus outcomes; the executor
// (apply/) fills it and render/ reads it without depending on how it was carried out.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/plan.h"

namespace keyform {

enum class Outcome { done, failed, not_started };

struct ActionResult {
  Action action;  // as carried out: a key id produced by an earlier action is filled in
  Outcome outcome = Outcome::not_started;
  std::string error;  // for failed actions
  std::string note;   // for done ones that needed no change after all ("already gone")
};

struct ApplyReport {
  std::vector<ActionResult> results;  // one per plan action, in plan order
  // Set when a SIGINT/SIGTERM stopped the apply: no action started after it; `interrupted_by`
  // names the signal ("SIGINT", "SIGTERM").
  bool interrupted = false;
  std::string interrupted_by;
  // What the read after the apply found still differing from what was wanted; nothing when that
  // verification did not run (--no-verify, a failed or interrupted apply, nothing to do).
  std::optional<std::vector<std::string>> differences;

  bool succeeded() const;
  int count(Outcome outcome) const;
  // Done actions per kind (the apply summary's counts), and how many of them carry a note.
  PlanSummary done_summary() const;
  int noted() const;
};

}  // namespace keyform
