// Child processes for the benchmark: a measured run (wall clock, and CPU time and peak RSS from
// the child's own rusage via wait4), and keyform-sandbox with its request log.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace bench {

using Env = std::map<std::string, std::string>;

struct Measured {
  int exit_code = -1;
  double wall_s = 0;
  double cpu_s = 0;          // user + system, of the child only (wait4 rusage)
  double maxrss_mib = 0;     // ru_maxrss
  double mark_s = -1;        // when the mark line arrived on stdout (seconds after start), -1: never
  std::string out;
  std::string err;
};

// Runs `argv` with exactly `env` (plus PATH), stdin from /dev/null, output captured to files in
// `scratch`. Blocks until it exits. `mark_line`: the first stdout line starting with it is timed.
Measured run_measured(const std::vector<std::string>& argv, const Env& env, const std::string& scratch,
                      const std::string& mark_line = "");

// main() of `keyform-bench --measure-worker RESULT OUT ERR MARK_LINE -- PROGRAM ARGS...`, which
// run_measured uses.
int measure_worker(int argc, char** argv);

// From the sandbox's own request log (GET /__sandbox/requests), never from keyform's counters.
struct LogStats {
  long requests = 0;
  long gets_ok = 0;             // successful GETs (the listings)
  long limits_read = 0;         // successful GET /rateLimits (read once before the listings)
  long writes_ok = 0;           // successful POST/PATCH/DELETE
  long challenges = 0;          // 401s carrying a digest challenge
  long connections = 0;         // distinct client addr:port
  long max_challenges_per_connection = 0;
  long rate_limited = 0;        // 429s (an empty bucket of --rate-limits, or a --fault)
  long limits_refused = 0;      // GET /rateLimits refused (403/404/406): keyform goes on without them
  long failures = 0;            // other non-2xx answers
};

// The same figures from a log (GET /__sandbox/requests's "requests").
LogStats stats_of(const nlohmann::json& requests);

class SandboxProcess {
 public:
  // Starts keyform-sandbox on a free loopback port and waits until it listens.
  SandboxProcess(const std::string& fixture_file, int latency_ms, const std::string& dir,
                 const std::vector<std::string>& extra_args = {});
  ~SandboxProcess();
  SandboxProcess(const SandboxProcess&) = delete;
  SandboxProcess& operator=(const SandboxProcess&) = delete;

  std::string base_url() const;
  double startup_s() const { return startup_s_; }
  void clear_requests() const;
  LogStats request_stats() const { return stats_of(requests()); }
  nlohmann::json requests() const;  // the request log's entries
  nlohmann::json state() const;

 private:
  int pid_ = -1;
  int port_ = 0;
  double startup_s_ = 0;
};

}  // namespace bench
