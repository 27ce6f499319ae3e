// What the end-to-end tests need: run the real keyform binary, and a real keyform-sandbox on a
// free loopback port whose state and request log can be read back.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace e2e {

#ifndef KEYFORM_TEST_TIME_SCALE
#define KEYFORM_TEST_TIME_SCALE 1
#endif
// Time bounds are stated for the optimised build; a sanitized build multiplies them by this.
inline constexpr int kTimeScale = KEYFORM_TEST_TIME_SCALE;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::string all() const { return out + err; }
};

// A scratch directory removed when the test ends.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

// Runs `program args...` with exactly `env` (plus PATH), in `cwd`, stdin from /dev/null.
RunResult run(const std::string& program, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env, const std::string& cwd);

// A keyform run in the background, for tests that signal it mid-flight.
class Background {
 public:
  // As `uid` unless it is -1; a run that could not take that uid exits with 125.
  Background(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
             const std::string& cwd, int uid = -1);
  ~Background();  // kills the process if the test did not wait for it
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  int pid() const { return pid_; }
  bool running() const;
  // Waits until stdout+stderr contain `text`; false after `timeout_ms`.
  bool wait_for_output(const std::string& text, int timeout_ms) const;
  std::string output_so_far() const;
  void signal(int signal_number) const;
  // Waits for the exit; the output is checked for secrets, as keyform() does.
  RunResult finish();

 private:
  TempDir io_;
  std::map<std::string, std::string> env_;
  int pid_ = -1;
};

class Sandbox {
 public:
  explicit Sandbox(const nlohmann::json& fixture, std::vector<std::string> extra_args = {});
  ~Sandbox();
  Sandbox(const Sandbox&) = delete;
  Sandbox& operator=(const Sandbox&) = delete;

  std::string base_url() const;
  nlohmann::json state() const;               // GET /__sandbox/state
  nlohmann::json requests() const;            // GET /__sandbox/requests -> the array
  void clear_requests() const;                // DELETE /__sandbox/requests

  // Requests that changed something (anything but GET), from the sandbox's own log.
  std::vector<nlohmann::json> writes() const;

  // POST /__sandbox/faults: {"spec": spec} plus "body" when given (sent as is instead of the error body).
  void add_fault(const std::string& spec, const std::optional<std::string>& body = std::nullopt) const;

 private:
  TempDir dir_;
  int pid_ = -1;
  int port_ = 0;
};

// A request of keyform's one read of GET /api/atlas/v2/rateLimits (pacing, issue 15), which tests
// about other reads leave aside.
inline bool is_rate_limits_read(const nlohmann::json& request) {
  return request.value("path", std::string()).ends_with("/rateLimits");
}

// The environment keyform runs with against `sandbox` as key `public_key`.
std::map<std::string, std::string> keyform_env(const Sandbox& sandbox, const std::string& public_key,
                                               const std::string& private_key);

// Fails the running test when `result` shows a secret from `env`, a private key of the example
// org, or an Authorization header. keyform() calls it on every run.
void check_no_secret_leaked(const RunResult& result, const std::map<std::string, std::string>& env);

// The outputs of a test's keyform runs, kept for secrets the test learns only later: the private
// keys of the keys those runs created, which no env or fixture knew when the runs were checked.
class RunHistory {
 public:
  RunResult add(RunResult result);  // returns a copy: the history grows
  // Fails the running test when any kept output shows one of `secrets` (empty ones are ignored).
  void check_none_shows(const std::vector<std::string>& secrets) const;
  std::size_t size() const { return runs_.size(); }

 private:
  std::vector<RunResult> runs_;
};

// keyform with `args`, run in `cwd`; its output is checked for secrets.
RunResult keyform(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                  const std::string& cwd);

// keyform once per argument list, up to `workers` at a time (the runs wait on process start-up,
// not on each other), results in the order given; each output is checked for secrets afterwards,
// on the calling thread.
std::vector<RunResult> keyform_each(const std::vector<std::vector<std::string>>& arg_lists,
                                    const std::map<std::string, std::string>& env, const std::string& cwd,
                                    int workers = 4);

// A key's assignments in a sandbox state: project id -> roles.
nlohmann::json assignments(const nlohmann::json& state, const std::string& public_key);
bool has_key(const nlohmann::json& state, const std::string& public_key);

std::string source_path(const std::string& relative);
std::string read_file(const std::string& path);

// A direct Admin API v2 call to the sandbox, made as another person or tool would make it (not
// through keyform): HTTP digest as `public_key`, the versioned media type as Accept and, with a
// body, as Content-Type. Returns the HTTP status, 0 when there was no answer.
int admin_api_call(const Sandbox& sandbox, const std::string& method, const std::string& path, const std::string& body,
                   const std::string& public_key, const std::string& private_key);

}  // namespace e2e
