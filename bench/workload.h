// Generated benchmark workloads: an org of K keys × P projects for keyform-sandbox, a keyform.toml
// that declares every key, and the same desired state as JSON for the naive baseline. The file
// differs from the org by a known number of actions of each kind, so every run can be checked.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace bench {

// How many actions of each kind a plan has; the order is the executor's phase order.
struct ActionMix {
  int assign = 0;
  int update = 0;
  int unassign = 0;
  int remove = 0;  // delete key
  int total() const { return assign + update + unassign + remove; }
  bool operator==(const ActionMix&) const = default;
};

// 50 % assigns, 20 % role updates, 25 % unassigns, 5 % key deletions.
ActionMix mix_for(int actions);

struct WorkloadSpec {
  int keys = 100;      // in the org, including the key the runs authenticate with
  int projects = 50;
  int actions = 100;   // the plan's size; at most 2 × (keys - 1)
  std::uint32_t seed = 8;
  // One key in `access_list_every` declares an IP access list (already in place: no action), so
  // plan reads that many access lists on top of the two listings. 0: none.
  int access_list_every = 100;
};

struct Workload {
  WorkloadSpec spec;
  std::string org_id;
  std::string admin_public_key;   // key 0: ORG_OWNER, no projects, not in the file
  std::string admin_private_key;
  nlohmann::json fixture;         // keyform-sandbox --fixture
  std::string config_toml;        // keyform.toml: every other key, with `expected` changes
  nlohmann::json desired;         // the same as data for the baseline: {"org_id", "keys": [...]}
  ActionMix expected;
  long assignments = 0;           // key-project assignments in the fixture
  long access_lists = 0;          // keys whose entry declares access_list (one GET each: < 500 entries)
};

Workload make_workload(const WorkloadSpec& spec);

// For project-scoped rate limits: `projects` projects with `writes_per_project` keys each, every
// key in its one project; the file changes each key's roles there (one PATCH per key). The file
// lists the keys project by project, so an apply that takes actions in file order drains one
// project's bucket after another.
Workload make_per_project_workload(int projects, int writes_per_project);

// The "Plan: A to assign, U to update, N to unassign, D to delete." line of keyform's output.
std::optional<ActionMix> plan_summary(const std::string& output);

// Keys whose assignments in `state` (GET /__sandbox/state) differ from `desired`: 0 when a run
// did the whole job.
int count_mismatches(const nlohmann::json& state, const nlohmann::json& desired);

// A workload's file (fixture, config, rate limits) in the run's directory. Throws when it cannot.
void write_file(const std::string& path, const std::string& content);

}  // namespace bench
