// Carries out a plan: phases strictly in order (every action of a phase finishes before the next
// phase starts), actions inside a phase concurrently, and after the first failure no new action
// starts. Each action's outcome is recorded exactly once, so the report says what was done.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "core/plan.h"

namespace keyform {

enum class Outcome { done, failed, not_started };

struct ActionResult {
  Action action;
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
};

// Runs one action and returns a note (usually empty); throws std::exception on failure.
// Called from several threads at once when parallelism > 1.
using ActionRunner = std::function<std::string(const Action&)>;
// Called as each action finishes (done or failed), one call at a time.
using ProgressSink = std::function<void(const ActionResult&)>;

// Shared between the executor and whoever may stop it from another thread (a signal watcher).
class ExecutionControl {
 public:
  // From any thread: start no new action; actions in flight finish (their calls are bounded by
  // --timeout) and are reported.
  void request_stop() { stop_ = true; }
  bool stop_requested() const { return stop_; }

  // The actions whose calls are in flight right now (they may or may not take effect).
  std::vector<Action> in_flight() const;

  // Used by execute_plan.
  void started(const Action& action, int index);
  void finished(int index);

 private:
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::map<int, Action> in_flight_;
};

ApplyReport execute_plan(const Plan& plan, const ActionRunner& run, const ProgressSink& progress,
                         int parallelism = 1, ExecutionControl* control = nullptr);

}  // namespace keyform
