// Runs one program with no shell: its standard input fed from memory, its standard output and
// error collected (bounded), under a time limit after which its whole process group is killed.
// Callable from several threads at once: everything the child needs is prepared before fork, and
// the child makes only async-signal-safe calls before exec.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "util/secret.h"

namespace keyform {

// How much of a command's output is shown.
inline constexpr std::size_t kShownOutputBytes = 64 * 1024;

// What the command printed: the first 64 KiB are shown, plus as many bytes as the secret is long
// less one are kept, so that a secret that starts inside the shown part is whole, and redacted.
// Reserved once: appending never reallocates, so no freed buffer keeps a copy of the secret.
struct CapturedOutput {
  std::string raw;
  std::size_t keep;
  std::size_t seen = 0;

  explicit CapturedOutput(std::size_t secret_size) : keep(kShownOutputBytes + std::max<std::size_t>(secret_size, 1) - 1) {
    raw.reserve(keep);
  }
  ~CapturedOutput() { wipe(raw); }
  void take(const char* data, std::size_t size) {
    seen += size;
    raw.append(data, std::min(size, keep - raw.size()));
  }
  bool truncated() const { return seen > kShownOutputBytes; }
};

struct ChildRun {
  bool timed_out = false;
  int status = 0;  // a wait status (WIFEXITED, ...)
};

// Runs args[0] (looked up on the PATH of `env`, /bin:/usr/bin without one) with `args`, exactly the
// environment `env`, `input` on its stdin (then closed), stdout and stderr into `captured`. Throws
// std::runtime_error("could not start: ...") when it cannot be started.
ChildRun run_child_process(std::vector<std::string> args, std::vector<std::string> env, std::string_view input,
                           std::chrono::milliseconds time_limit, CapturedOutput& captured);

// keyform's own environment, as NAME=value entries.
std::vector<std::string> inherited_environment();

// "NAME" of a "NAME=value" entry.
std::string_view variable_name(std::string_view entry);

// What was wrong with how a process ended ("exited with status 3", "killed by signal 9 (SIGKILL)"),
// or "" for exit status 0.
std::string status_problem(int status);

}  // namespace keyform
