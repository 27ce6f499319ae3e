// Carries out a plan: phases strictly in order (every action of a phase finishes before the next
// phase starts), actions inside a phase concurrently, and after the first failure no new action
// starts. Each action's outcome is recorded exactly once, so the report says what was done.
//
// Values flow forward between phases: an action may produce a key id (a created key's), and every
// later action that names that key without an id (by its description, the way the plan names a key
// it is about to create) gets the id filled in before it runs.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/apply_report.h"
#include "core/plan.h"

namespace keyform {

// What running one action gave back.
struct ActionOutput {
  std::string note;                   // usually empty; "already gone" and the like
  std::optional<std::string> key_id;  // the id of a key this action created, for later actions
  std::string public_key;             // and its public key (how the report names it)
};

// Runs one action; throws std::exception on failure. Called from several threads at once when
// parallelism > 1.
using ActionRunner = std::function<ActionOutput(const Action&)>;
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
