// Issue 15's rate-limit scenarios: `keyform apply --auto-approve` against keyform-sandbox
// --rate-limits, side by side in one run: with GET /rateLimits and the RateLimit-* headers, with
// neither (keyform learns only from 429s), and with --no-pacing. Each run reports its 429s (from
// the sandbox's request log) and its whole wall time (plan, writes, verification) against the
// floor the buckets allow, and is checked against the org its file describes.
#pragma once

#include "process.h"

#include <string>
#include <vector>

namespace bench {

// What the sandbox tells keyform about its limits, and whether keyform paces at all.
enum class Knowledge { listed, learnt, unpaced };

struct Scenario {
  std::string name;          // "ORG" | "GROUP" | "ORG (tiny)"
  bool per_project = false;  // GROUP-scoped buckets, one per project; else one ORGANIZATION bucket
  int projects = 0;          // per_project: projects with `writes` writes each
  int writes = 0;            // ORG: writes in all; GROUP: writes per project
  int capacity = 0;
  int refill_per_s = 0;  // tokens per second (the API counts whole tokens)
  Knowledge knowledge = Knowledge::listed;
  // The target; max_429 < 0: none (a --no-pacing run, measured for comparison).
  int max_429 = -1;
  double factor = 0;
  double plus_s = 0;

  // Seconds the bucket allows at best: what exceeds its capacity, at its refill rate (per project).
  double floor_s() const { return static_cast<double>(writes - capacity) / refill_per_s; }
  double target_s() const { return factor * floor_s() + plus_s; }
};

// Issue 15's five runs (three ORG, two GROUP), or with `quick` one tiny ORG run (60 writes,
// capacity 10 at 20/s, /rateLimits listed) that takes a few seconds.
std::vector<Scenario> rate_limit_scenarios(bool quick);

struct ScenarioRun {
  Scenario scenario;
  int parallelism = 0;
  Measured m;
  LogStats log;
  std::vector<std::string> paced_notes;  // keyform's "paced by rate limit …" lines
  std::vector<std::string> problems;     // empty when the apply converged
  // A comparison run (--no-pacing) whose write gave up on 429s after its retries: what it measures,
  // not a fault of the run.
  std::string gave_up;
  bool met() const;                      // the target holds (false when there is none)
};

struct ScenarioOptions {
  int latency_ms = 50;
  int parallelism = 10;  // keyform's default ceiling
  std::string workdir;   // each run's files (keyform.toml, rate-limits.json, requests.json) go below it
};

std::vector<ScenarioRun> run_rate_limit_scenarios(const std::vector<Scenario>& scenarios,
                                                  const ScenarioOptions& options);

// The markdown table of the runs, and how many targets were missed.
struct ScenarioReport {
  std::string table;
  int missed = 0;
};
ScenarioReport rate_limit_report(const std::vector<ScenarioRun>& runs, const ScenarioOptions& options);

}  // namespace bench
